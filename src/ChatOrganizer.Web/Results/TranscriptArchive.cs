using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Text;
using ChatOrganizer.Results;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Results;

// Every transcript of a job as Markdown in a ZIP, one folder per category (per month or year for jobs grouped
// that way), written entry by entry as the transcripts are read: the archive is never whole in memory.
public static class TranscriptArchive
{
    public const int MaxFolderLength = 80;
    public const int MaxTitleLength = 80;

    public const string FilesFolder = "files";

    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    // openFile: A kept file of the job by its number (AttachmentStore.OpenRead); null when it is gone.
    // Each file goes once into each folder whose transcripts show it, under files/, linked from them.
    public static async Task WriteAsync(
        PipeWriter output, JobMode mode, IAsyncEnumerable<(ResultConversation Summary, TranscriptDocument Transcript)> transcripts,
        Func<int, Stream?> openFile, CancellationToken cancellationToken)
    {
        await using var stream = new PipeBufferingStream(output);
        await using var zip = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: Utf8, cancellationToken);
        var folders = new UniqueNames();
        var written = new Dictionary<(string Folder, int Number), string?>();
        await foreach (var (summary, transcript) in transcripts.WithCancellation(cancellationToken))
        {
            var folder = folders.For(FolderOf(mode, summary));
            foreach (var attachment in KeptFiles(transcript))
            {
                var number = attachment.Number!.Value;
                if (written.ContainsKey((folder, number))) continue;
                written[(folder, number)] = await WriteFileAsync(zip, folder, attachment, openFile(number), cancellationToken);
                await stream.FlushAsync(cancellationToken);
            }

            // The index makes every name unique within the job and keeps export order when sorted by name.
            var entry = zip.CreateEntry($"{folder}/{summary.Index + 1:D5} {SafeName.Of(summary.Title, MaxTitleLength, "Untitled")}.md", CompressionLevel.Fastest);
            if (summary.CreateTime is { Year: >= 1980 and < 2108 } created) entry.LastWriteTime = new DateTimeOffset(created, TimeSpan.Zero);
            var markdown = TranscriptMarkdown.Of(summary, transcript, a => a.Number is { } n ? written.GetValueOrDefault((folder, n)) : null);
            await using (var writer = new StreamWriter(await entry.OpenAsync(cancellationToken), Utf8))
            {
                await writer.WriteAsync(markdown.AsMemory(), cancellationToken);
            }
            await stream.FlushAsync(cancellationToken);
        }
    }

    // The files the transcript's Markdown shows: those of the visible messages on its active path.
    private static IEnumerable<TranscriptAttachment> KeptFiles(TranscriptDocument transcript) =>
        ConversationStore.Turns(transcript).Select(t => t.Message).Where(m => !m.IsHidden).SelectMany(m => m.Attachments).Where(a => a.Number is not null);

    // Returns The file's link relative to the transcripts beside it; null when the file is gone.
    private static async Task<string?> WriteFileAsync(ZipArchive zip, string folder, TranscriptAttachment attachment, Stream? source, CancellationToken cancellationToken)
    {
        if (source is null) return null;
        await using (source)
        {
            // The number keeps two files of the same name apart; images are compressed already.
            var name = $"{attachment.Number} {SafeName.Of(attachment.Name, MaxTitleLength, "file")}";
            var entry = zip.CreateEntry($"{folder}/{FilesFolder}/{name}", attachment.IsInlineImage ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
            await using (var target = await entry.OpenAsync(cancellationToken))
            {
                await source.CopyToAsync(target, cancellationToken);
            }
            return $"{FilesFolder}/{Uri.EscapeDataString(name)}";
        }
    }

    private static string FolderOf(JobMode mode, ResultConversation summary) => mode switch
    {
        JobMode.Topic or JobMode.Discover => summary.Category ?? "Not categorized",
        JobMode.Month => PeriodFolder(Period.MonthOf(summary.CreateTime)),
        _ => PeriodFolder(Period.YearOf(summary.CreateTime)),
    };

    // "2024-03" or "2024", and "No date" rather than the key "undated".
    private static string PeriodFolder(Period period) => period == Period.Undated ? period.Label : period.Key;

    // One folder per distinct category, even when two categories come out the same once made safe (or differ only in case).
    private sealed class UniqueNames
    {
        private readonly Dictionary<string, string> _byCategory = new(StringComparer.Ordinal);
        private readonly HashSet<string> _taken = new(StringComparer.OrdinalIgnoreCase);

        public string For(string category)
        {
            if (_byCategory.TryGetValue(category, out var known)) return known;
            var name = SafeName.Of(category, MaxFolderLength, "Unnamed");
            for (var n = 2; !_taken.Add(name); n++) name = $"{SafeName.Of(category, MaxFolderLength - 5, "Unnamed")} ({n})";
            return _byCategory[category] = name;
        }
    }

    // ZipArchive still writes a few small pieces synchronously (entry headers, the compressor's last block),
    // which the response body refuses: those go into the response pipe's buffer and leave with the next
    // asynchronous write or flush, which is how everything else is written.
    private sealed class PipeBufferingStream(PipeWriter pipe) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            pipe.Write(buffer);
            _written += buffer.Length;
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Write(buffer.Span);
            await pipe.FlushAsync(cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async Task FlushAsync(CancellationToken cancellationToken) => await pipe.FlushAsync(cancellationToken);

        public override void Flush()
        {
            // Nothing to do synchronously: what is buffered leaves with the next asynchronous flush.
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
