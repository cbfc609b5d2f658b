namespace ChatOrganizer.Export.Sources;

// Length: bytes of the file (uncompressed in a ZIP); null for a stream of unknown length.
internal sealed record ExportEntry(string Name, long? Length);

// Where an export's files come from: one JSON or HTML file, an unpacked export folder, or a ZIP.
// Entries lists only the files the reader may open (ExportLayout.IsExportFile); attachments are
// known by name only, for naming asset pointers.
internal abstract class ExportSource : IAsyncDisposable
{
    private static readonly byte[] ZipLocalHeader = [(byte)'P', (byte)'K', 3, 4];
    private static readonly byte[] ZipEmptyArchive = [(byte)'P', (byte)'K', 5, 6];

    protected ExportSource(string name, IReadOnlyList<ExportEntry> entries, bool isSingleFile)
    {
        Name = name;
        Entries = entries;
        IsSingleFile = isSingleFile;
    }

    // The name a person gave: a path, or an upload's file name.
    public string Name { get; }
    public IReadOnlyList<ExportEntry> Entries { get; }

    // One conversations file (or chat.html) given on its own, whatever its name.
    public bool IsSingleFile { get; }

    // Names of the attachment files the export holds, for naming asset pointers.
    public virtual IEnumerable<string> AttachmentFileNames => [];

    // The attachment files themselves (images, uploads), by their path inside the export.
    public virtual IReadOnlyList<ExportEntry> AttachmentFiles => [];

    public virtual Task<Stream> OpenAttachmentAsync(ExportEntry entry, CancellationToken cancellationToken) =>
        throw new FileNotFoundException($"{Name} holds no attachment files.", entry.Name);

    public abstract Task<Stream> OpenAsync(ExportEntry entry, CancellationToken cancellationToken);

    // The entry from byte offset on: read up to there, unless the source can seek.
    public virtual async Task<Stream> OpenAtAsync(ExportEntry entry, long offset, CancellationToken cancellationToken)
    {
        var stream = await OpenAsync(entry, cancellationToken);
        try
        {
            var skip = new byte[ZipReadBuffer];
            while (offset > 0)
            {
                var read = await stream.ReadAsync(skip.AsMemory(0, (int)Math.Min(skip.Length, offset)), cancellationToken);
                if (read == 0) break;
                offset -= read;
            }
            return stream;
        }
        catch
        {
            await stream.DisposeAsync();
            throw;
        }
    }

    public virtual ValueTask DisposeAsync() => ValueTask.CompletedTask;

    public static async Task<ExportSource> OpenAsync(string path, ExportReaderOptions options, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path)) return new FolderExportSource(path, options);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist.", path);
        var file = OpenRead(path, ZipReadBuffer);
        try
        {
            var head = new byte[4];
            var read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
            ThrowIfNamedZipButIsNot(Path.GetFileName(path), head.AsSpan(0, read));
            if (IsZip(head.AsSpan(0, read)))
            {
                file.Position = 0;
                return await ZipExportSource.OpenAsync(file, Path.GetFileName(path), ownsStream: true, options, cancellationToken);
            }

            await file.DisposeAsync();
            return new FileExportSource(path);
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    // An upload: a ZIP by its first bytes, else JSON (or chat.html by its name). A ZIP that cannot
    // seek is spooled to a temp file: ZIP's directory sits at the end.
    public static async Task<ExportSource> OpenAsync(Stream stream, string fileName, ExportReaderOptions options, CancellationToken cancellationToken)
    {
        var head = new byte[4];
        var read = await stream.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, cancellationToken);
        ThrowIfNamedZipButIsNot(fileName, head.AsSpan(0, read));
        var isZip = IsZip(head.AsSpan(0, read));
        if (stream.CanSeek)
        {
            stream.Seek(-read, SeekOrigin.Current);
            return isZip
                ? await ZipExportSource.OpenAsync(stream, fileName, ownsStream: false, options, cancellationToken)
                : new StreamExportSource(stream, fileName);
        }

        var whole = new PrefixedStream(head.AsMemory(0, read), stream);
        if (!isZip) return new StreamExportSource(whole, fileName);
        var spool = await SpoolAsync(whole, fileName, options, cancellationToken);
        try
        {
            return await ZipExportSource.OpenAsync(spool, fileName, ownsStream: true, options, cancellationToken);
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }

    // JSON is read in 1 MB chunks and needs no buffer of its own; a ZIP's inflater reads a few KB
    // at a time and does.
    internal const int ZipReadBuffer = 64 * 1024;

    internal static FileStream OpenRead(string path, int bufferSize = 1) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);

    // Content decides what a file is, but a ".zip" that is something else (a PDF, a renamed file) would
    // otherwise be reported as invalid JSON, which explains nothing to the person who sent it.
    private static void ThrowIfNamedZipButIsNot(string name, ReadOnlySpan<byte> head)
    {
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) && !IsZip(head))
        {
            throw new ExportFormatException(
                $"{name} is named like a ZIP file but is not one (it does not begin with a ZIP signature). Upload the ZIP ChatGPT sent you as it is.", name, 0);
        }
    }

    private static bool IsZip(ReadOnlySpan<byte> head) => head.SequenceEqual(ZipLocalHeader) || head.SequenceEqual(ZipEmptyArchive);

    // DeleteOnClose: the spool goes away with the reader, and with the process if it dies.
    private static async Task<FileStream> SpoolAsync(Stream upload, string fileName, ExportReaderOptions options, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"chatorg-upload-{Guid.NewGuid():N}.zip");
        var spool = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            var buffer = new byte[81920];
            long total = 0;
            int read;
            while ((read = await upload.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
                if (total > options.MaxUncompressedBytes)
                {
                    throw new ExportFormatException(
                        $"{fileName} is larger than {options.MaxUncompressedBytes:N0} bytes (ExportReaderOptions.MaxUncompressedBytes); it was not read.", fileName);
                }

                await spool.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await spool.FlushAsync(cancellationToken);
            spool.Position = 0;
            return spool;
        }
        catch
        {
            await spool.DisposeAsync();
            throw;
        }
    }
}
