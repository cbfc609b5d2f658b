using System.CommandLine;
using System.Diagnostics;
using System.IO.Compression;
using System.Runtime;
using System.Text.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Export;

namespace ChatOrganizer.Benchmarks;

// One measurement in a fresh process, printed as one JSON line for the parent:
//   bare  Utf8JsonReader over the conversations JSON, every token read, nothing kept;
//   full  ExportReader: every conversation with its active path and its messages' text;
//   digests-estimate, digests-o200k_base, digests-cl100k_base  the full read and a topic job's digests, as the web
//         app's read step builds them, measured with the character estimate or the model's tokenizer.
internal static class ReaderBenchmarkChild
{
    public const string Name = "reader-child";
    private const int BufferSize = 2 * 1024 * 1024;

    // Hidden: the reader and job-speed suites start it, a person does not.
    public static Command Command()
    {
        var mode = new Argument<string>("MODE");
        mode.AcceptOnlyFromAmong("bare", "full", "digests-estimate", "digests-o200k_base", "digests-cl100k_base");
        var path = new Argument<string>("PATH");
        var command = new Command(Name) { Hidden = true };
        command.Add(mode);
        command.Add(path);
        command.SetAction(parsed => RunAsync(parsed.GetValue(mode)!, parsed.GetValue(path)!));
        return command;
    }

    private static async Task<int> RunAsync(string mode, string path)
    {
        var clock = Stopwatch.StartNew();
        var (bytes, conversations) = mode == "bare" ? await BarePassAsync(path) : await FullReadAsync(path, Digests(mode));
        var seconds = clock.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        // What the runtime compiled while reading: a cold read's time is in good part the JIT's (README, "Benchmarks").
        var jit = new JitWork(JitInfo.GetCompiledMethodCount(), JitInfo.GetCompilationTime().TotalSeconds);
        Console.WriteLine(JsonSerializer.Serialize(new Measurement(bytes, seconds, conversations, self.PeakWorkingSet64, jit)));
        return 0;
    }

    private static async Task<(long Bytes, int Conversations)> BarePassAsync(string path)
    {
        await using var file = File.OpenRead(path);
        ZipArchive? zip = null;
        var stream = (Stream)file;
        if (path.EndsWith(".zip", StringComparison.Ordinal))
        {
            zip = await ZipArchive.CreateAsync(file, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null);
            stream = await zip.GetEntry("conversations.json")!.OpenAsync();
        }

        var buffer = new byte[BufferSize];
        var state = new JsonReaderState();
        long total = 0;
        var length = 0;
        var conversations = 0;
        var final = false;
        while (!final)
        {
            var read = await stream.ReadAsync(buffer.AsMemory(length));
            final = read == 0;
            total += read;
            length += read;
            var consumed = Tokens(buffer.AsSpan(0, length), final, ref state, ref conversations);
            buffer.AsSpan(consumed, length - consumed).CopyTo(buffer);
            length -= consumed;
            if (length == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
        }

        await stream.DisposeAsync();
        if (zip is not null) await zip.DisposeAsync();
        return (total, conversations);
    }

    private static int Tokens(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref int conversations)
    {
        var reader = new Utf8JsonReader(data, final, state);
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.StartObject && reader.CurrentDepth == 1) conversations++;
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    private static DigestBuilder? Digests(string mode) => mode switch
    {
        "digests-estimate" => new DigestBuilder(counter: TokenCounter.Estimate),
        "digests-o200k_base" => new DigestBuilder(counter: TokenCounter.For("gpt-4o-mini")),
        "digests-cl100k_base" => new DigestBuilder(counter: TokenCounter.For("gpt-4")),
        _ => null,
    };

    private static async Task<(long Bytes, int Conversations)> FullReadAsync(string path, DigestBuilder? digests)
    {
        await using var reader = await ExportReader.OpenAsync(path);
        var conversations = 0;
        long pathNodes = 0, characters = 0;
        await foreach (var conversation in reader.ReadConversationsAsync())
        {
            conversations++;
            pathNodes += conversation.Tree.ActivePath.Count;
            foreach (var message in conversation.ActiveMessages) characters += message.Text.Length;
            if (digests is not null) characters += digests.Build(conversation).Tokens;
        }

        if (pathNodes == 0 || characters == 0) throw new InvalidOperationException("The export read as empty.");
        return (JsonBytes(path), conversations);
    }

    private static long JsonBytes(string path)
    {
        if (!path.EndsWith(".zip", StringComparison.Ordinal)) return new FileInfo(path).Length;
        using var zip = ZipFile.OpenRead(path);
        return zip.GetEntry("conversations.json")!.Length;
    }
}
