using System.Runtime.CompilerServices;
using System.Text.Json;
using ChatOrganizer.Export.Json;
using ChatOrganizer.Export.Parsing;
using ChatOrganizer.Export.Sources;

namespace ChatOrganizer.Export;

// Reads a ChatGPT data export one conversation at a time, in bounded memory.
//
// Accepts a conversations.json, an unpacked export folder, an export ZIP (also split into
// conversations-000.json, -001, ...), or a chat.html when the export holds no conversations JSON.
// A damaged conversation is still produced, with Conversation.Diagnostics; an input that is not
// an export, not JSON or truncated throws ExportFormatException where reading stopped, after
// every conversation before that point was produced.
public sealed class ExportReader : IAsyncDisposable
{
    private readonly ExportSource _source;
    private readonly ExportLayout _layout;
    private readonly ExportReaderOptions _options;
    private readonly AssetNames _assetNames;
    private readonly List<Diagnostic> _diagnostics;

    private ExportReader(ExportSource source, ExportLayout layout, ExportReaderOptions options, AssetNames assetNames, List<Diagnostic> diagnostics)
    {
        _source = source;
        _layout = layout;
        _options = options;
        _assetNames = assetNames;
        _diagnostics = diagnostics;
    }

    // The path or upload name the export was opened from.
    public string Name => _source.Name;

    // The files conversations are read from, in reading order: shards in numeric order, or chat.html.
    public IReadOnlyList<string> ConversationFiles => ConversationEntries.Select(e => e.Name).ToArray();

    // Findings about the export as a whole: manifest mismatches, unreadable side files, data after the end of a file.
    // It grows while conversations and side files are read.
    public IReadOnlyList<Diagnostic> Diagnostics => _diagnostics;

    private IReadOnlyList<ExportEntry> ConversationEntries => _layout.ReadsChatHtml ? [_layout.ChatHtml!] : _layout.ConversationFiles;

    // The files a ZIP or folder export holds besides its JSON (uploads, images, DALL·E generations, .dat assets), by
    // their path inside the export: what Attachment.File names. Empty for a single JSON or HTML file.
    public IReadOnlyList<ExportFile> AttachmentFiles => _source.AttachmentFiles.Select(e => new ExportFile(e.Name, e.Length ?? 0)).ToArray();

    // Opens one of AttachmentFiles; inflating it counts toward the ZIP's limits like the conversations do.
    // Throws ExportFormatException The entry breaks a ZIP limit or is damaged.
    public Task<Stream> OpenAttachmentAsync(ExportFile file, CancellationToken cancellationToken = default) =>
        _source.OpenAttachmentAsync(new ExportEntry(file.Path, file.Length), cancellationToken);

    // Opens a conversations.json, an export folder or an export ZIP.
    // Throws ExportFormatException The path is not a readable export.
    // Throws FileNotFoundException Nothing exists at the path.
    public static async Task<ExportReader> OpenAsync(string path, ExportReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= ExportReaderOptions.Default;
        options.ThrowIfInvalid();
        return await CreateAsync(await ExportSource.OpenAsync(path, options, cancellationToken), options, cancellationToken);
    }

    // Opens an upload: a ZIP or a JSON file by its content; a non-seekable ZIP is spooled to a temp file.
    //
    // The caller keeps ownership of stream and must keep it open while reading. A JSON stream
    // that cannot seek can be read once.
    public static async Task<ExportReader> OpenAsync(Stream stream, string fileName, ExportReaderOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrEmpty(fileName);
        options ??= ExportReaderOptions.Default;
        options.ThrowIfInvalid();
        return await CreateAsync(await ExportSource.OpenAsync(stream, fileName, options, cancellationToken), options, cancellationToken);
    }

    // Every conversation in export order, one at a time; Conversation.Location numbers them across shards.
    // Throws ExportFormatException Reading cannot go on: not JSON, not UTF-8, truncated, a ZIP limit reached.
    public async IAsyncEnumerable<Conversation> ReadConversationsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var index = 0;
        foreach (var file in ConversationEntries)
        {
            var mode = _layout.ReadsChatHtml ? JsonElementStreamMode.HtmlJsonData : JsonElementStreamMode.Array;
            await using var stream = await _source.OpenAsync(file, cancellationToken);
            using var elements = new JsonElementStream(stream, file.Name, _options, mode, "conversation", index, _diagnostics.Add);
            var parser = new ConversationParser(file.Name, _options, _assetNames);
            JsonElementParser<Conversation> parse = parser.Parse;
            while (await elements.ParseNextAsync(parse, cancellationToken) is { } element)
            {
                yield return element.Value ?? parser.Skipped(element.Info);
            }

            index = elements.NextIndex;
        }
    }

    // One conversation again, from where a read of the same export found it (Conversation.Location: its file and
    // bytes), as that read produced it, its index and diagnostics included; null when the export has no such file or
    // the location no bytes (a conversation skipped for breaking a limit). Only what it needs is read: from a seekable
    // JSON upload nothing else; from a ZIP the entry is inflated up to it.
    // Throws ExportFormatException The bytes there are not a conversation (another export than the one read).
    public async Task<Conversation?> ReadConversationAsync(ConversationLocation location, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(location);
        var file = ConversationEntries.FirstOrDefault(e => e.Name == location.File);
        if (file is null || location.Length <= 0 || location.Length > _options.MaxConversationBytes || location.Offset < 0) return null;
        // The conversation alone, as an array of one: read as in its file.
        var bytes = new byte[location.Length + 2];
        await using (var stream = await _source.OpenAtAsync(file, location.Offset, cancellationToken))
        {
            await stream.ReadExactlyAsync(bytes.AsMemory(1, (int)location.Length), cancellationToken);
        }
        (bytes[0], bytes[^1]) = ((byte)'[', (byte)']');
        using var elements = new JsonElementStream(new MemoryStream(bytes, writable: false), file.Name, _options, JsonElementStreamMode.Array, "conversation",
            location.Index, report: null, firstOffset: location.Offset - 1);
        var parser = new ConversationParser(file.Name, _options, _assetNames);
        return await elements.ParseNextAsync<Conversation>(parser.Parse, cancellationToken) is { } element ? element.Value ?? parser.Skipped(element.Info) : null;
    }

    // Checks every conversations file without building a single conversation: JSON of the right shape, complete,
    // UTF-8, and each conversation within the size, depth and string limits. A scan at close to raw JSON speed,
    // for refusing a bad upload while its sender still waits, before any work is queued.
    //
    // Throws ExportFormatException The export cannot be read at all; the message says where.
    public async Task<ExportCheck> CheckAsync(CancellationToken cancellationToken = default)
    {
        var index = 0;
        var conversations = 0;
        var notObjects = 0;
        var limitsBroken = new List<Diagnostic>();
        foreach (var file in ConversationEntries)
        {
            var mode = _layout.ReadsChatHtml ? JsonElementStreamMode.HtmlJsonData : JsonElementStreamMode.Array;
            await using var stream = await _source.OpenAsync(file, cancellationToken);
            using var elements = new JsonElementStream(stream, file.Name, _options, mode, "conversation", index, _diagnostics.Add);
            var parser = new ConversationParser(file.Name, _options, _assetNames);
            JsonElementParser<ScannedElement> scan = ScanElement;
            while (await elements.ParseNextAsync(scan, cancellationToken) is { } element)
            {
                switch (element.Value)
                {
                    case ScannedElement.Conversation:
                        conversations++;
                        break;
                    case ScannedElement.NotAnObject:
                        notObjects++;
                        break;
                    default:
                        conversations++;
                        limitsBroken.Add(parser.LimitBroken(element.Info, consequence: "reading would skip it"));
                        break;
                }
            }

            index = elements.NextIndex;
        }

        return new ExportCheck(conversations, notObjects, limitsBroken);
    }

    private enum ScannedElement
    {
        Skipped,
        Conversation,
        NotAnObject,
    }

    // Walks one element token by token to its end, holding each string to the limit the parser would.
    private ScannedElement ScanElement(ref Utf8JsonReader reader, JsonElementInfo element)
    {
        JsonRead.Next(ref reader);
        var kind = reader.TokenType == JsonTokenType.StartObject ? ScannedElement.Conversation : ScannedElement.NotAnObject;
        var depth = reader.CurrentDepth;
        while (true)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueSpan.Length > _options.MaxStringBytes)
            {
                throw new JsonLimitException(JsonElementLimit.StringTooLong);
            }
            if (reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray)) return kind;
            JsonRead.Next(ref reader);
        }
    }

    // Reads user.json, message_feedback.json, model_comparisons.json and shared_conversations.json into summaries.
    // A side file that cannot be read is left null and reported in Diagnostics.
    public Task<ExportSideFiles> ReadSideFilesAsync(CancellationToken cancellationToken = default) =>
        new SideFileReader(_source, _options, _diagnostics).ReadAsync(_layout, cancellationToken);

    public ValueTask DisposeAsync() => _source.DisposeAsync();

    private static async Task<ExportReader> CreateAsync(ExportSource source, ExportReaderOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var layout = ExportLayout.Of(source);
            if (layout.ConversationFiles.Count == 0 && layout.ChatHtml is null)
            {
                throw new ExportFormatException(
                    $"{source.Name} holds no conversations.json, conversations-NNN.json or chat.html, so it is not a ChatGPT export.", source.Name);
            }

            var diagnostics = layout.Notes.Select(n => new Diagnostic(DiagnosticSeverity.Warning, source.Name, null, null, null, n)).ToList();
            var sideFiles = new SideFileReader(source, options, diagnostics);
            await sideFiles.CheckManifestAsync(layout, cancellationToken);
            var assetNames = new AssetNames();
            foreach (var name in source.AttachmentFileNames) assetNames.AddStoredFile(name);
            await sideFiles.ReadAssetFileNamesAsync(layout, assetNames, cancellationToken);
            return new ExportReader(source, layout, options, assetNames, diagnostics);
        }
        catch
        {
            await source.DisposeAsync();
            throw;
        }
    }
}

// Path: Inside the export, with / between folders; names that climb out of it are refused on opening.
public sealed record ExportFile(string Path, long Length);

// Conversations: Conversations (JSON objects) in the export, damaged ones included.
// NotConversations: Array elements that are not objects (numbers, strings, arrays): nothing to read in them.
// LimitsBroken: One error per conversation too large, too deep or holding too long a string: reading would skip it.
public sealed record ExportCheck(int Conversations, int NotConversations, IReadOnlyList<Diagnostic> LimitsBroken);
