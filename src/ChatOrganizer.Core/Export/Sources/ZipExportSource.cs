using System.Buffers.Binary;
using System.IO.Compression;

namespace ChatOrganizer.Export.Sources;

// An export ZIP. Before anything is inflated: the entry count (read from the end-of-directory
// record, before ZipArchive loads the directory), entry names (no path may leave the export) and,
// for the entries the reader opens, their declared sizes and compression ratios. While inflating,
// ZipEntryStream holds every entry to what its header declared.
internal sealed class ZipExportSource : ExportSource
{
    private readonly Stream _stream;
    private readonly bool _ownsStream;
    private readonly ZipArchive _archive;
    private readonly Dictionary<string, ZipArchiveEntry> _entries;
    private readonly ExportReaderOptions _options;
    private readonly Dictionary<string, ZipArchiveEntry> _attachments;
    private long _inflated;

    private ZipExportSource(
        string name, Stream stream, bool ownsStream, ZipArchive archive, Dictionary<string, ZipArchiveEntry> entries,
        Dictionary<string, ZipArchiveEntry> attachments, ExportReaderOptions options)
        : base(name, entries.Select(e => new ExportEntry(e.Key, e.Value.Length)).ToArray(), isSingleFile: false)
    {
        _stream = stream;
        _ownsStream = ownsStream;
        _archive = archive;
        _entries = entries;
        _attachments = attachments;
        _options = options;
    }

    public override IEnumerable<string> AttachmentFileNames => _attachments.Keys;

    public override IReadOnlyList<ExportEntry> AttachmentFiles => _attachments.Select(a => new ExportEntry(a.Key, a.Value.Length)).ToArray();

    // Held to the same limits as the conversations: declared ratio, declared size, and the inflated total.
    public override async Task<Stream> OpenAttachmentAsync(ExportEntry entry, CancellationToken cancellationToken)
    {
        var zipEntry = _attachments[entry.Name];
        CheckDeclaredRatio(Name, zipEntry, _options);
        try
        {
            return new ZipEntryStream(await zipEntry.OpenAsync(cancellationToken), this, zipEntry);
        }
        catch (InvalidDataException e)
        {
            throw new ExportFormatException($"{Name}: {entry.Name} could not be opened: {e.Message}", entry.Name, inner: e);
        }
    }

    public static async Task<ZipExportSource> OpenAsync(Stream stream, string name, bool ownsStream, ExportReaderOptions options, CancellationToken cancellationToken)
    {
        var declaredEntries = await ZipEndOfDirectory.CountEntriesAsync(stream, cancellationToken);
        if (declaredEntries > options.MaxZipEntries) throw TooManyEntries(name, declaredEntries, options);
        ZipArchive archive;
        try
        {
            archive = await ZipArchive.CreateAsync(stream, ZipArchiveMode.Read, leaveOpen: !ownsStream, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw new ExportFormatException($"{name} is not a readable ZIP file: {e.Message}", name, inner: e);
        }

        try
        {
            if (archive.Entries.Count > options.MaxZipEntries) throw TooManyEntries(name, archive.Entries.Count, options);
            var exportFiles = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var attachments = new Dictionary<string, ZipArchiveEntry>(StringComparer.Ordinal);
            var root = ExportRoot(archive.Entries);
            foreach (var entry in archive.Entries)
            {
                ThrowIfOutsideExport(name, entry.FullName);
                if (entry.FullName.EndsWith('/')) continue;
                var relative = entry.FullName.StartsWith(root, StringComparison.Ordinal) ? entry.FullName[root.Length..] : entry.FullName;
                if (!relative.Contains('/') && ExportLayout.IsExportFile(relative))
                {
                    CheckDeclaredRatio(name, entry, options);
                    exportFiles.TryAdd(relative, entry);
                }
                else
                {
                    attachments.TryAdd(relative, entry);
                }
            }

            var declared = exportFiles.Values.Sum(e => e.Length);
            if (declared > options.MaxUncompressedBytes)
            {
                throw new ExportFormatException(
                    $"{name} declares {declared:N0} bytes of conversations and side files, more than {options.MaxUncompressedBytes:N0} (ExportReaderOptions.MaxUncompressedBytes); it was not read.",
                    name);
            }

            return new ZipExportSource(name, stream, ownsStream, archive, exportFiles, attachments, options);
        }
        catch
        {
            await archive.DisposeAsync();
            throw;
        }
    }

    public override async Task<Stream> OpenAsync(ExportEntry entry, CancellationToken cancellationToken)
    {
        var zipEntry = _entries[entry.Name];
        try
        {
            return new ZipEntryStream(await zipEntry.OpenAsync(cancellationToken), this, zipEntry);
        }
        catch (InvalidDataException e)
        {
            throw new ExportFormatException($"{Name}: {entry.Name} could not be opened: {e.Message}", entry.Name, inner: e);
        }
    }

    public override async ValueTask DisposeAsync()
    {
        await _archive.DisposeAsync();
        if (_ownsStream) await _stream.DisposeAsync();
    }

    // ChatGPT's ZIP has its files at the root; one unpacked and zipped again by hand has them under
    // a single folder (e.g. "export/conversations.json"). That folder is then the export's root.
    private static string ExportRoot(IEnumerable<ZipArchiveEntry> entries)
    {
        var folders = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var parts = entry.FullName.Split('/');
            if (parts.Length == 1 && ExportLayout.IsExportFile(parts[0])) return "";
            if (parts.Length == 2 && ExportLayout.IsConversationFile(parts[1])) folders.Add(parts[0] + "/");
        }
        return folders.Count == 1 ? folders.First() : "";
    }

    // Ratios below 1 MiB say nothing: a tiny repetitive file may deflate 1000-fold and harm no one.
    internal const long RatioFloorBytes = 1024 * 1024;

    internal int MaxCompressionRatio => _options.MaxCompressionRatio;

    internal void CountInflated(long bytes, string entry)
    {
        _inflated += bytes;
        if (_inflated > _options.MaxUncompressedBytes)
        {
            throw new ExportFormatException(
                $"{Name} inflated past {_options.MaxUncompressedBytes:N0} bytes (ExportReaderOptions.MaxUncompressedBytes) while reading {entry}; reading stopped.",
                entry);
        }
    }

    private static void CheckDeclaredRatio(string name, ZipArchiveEntry entry, ExportReaderOptions options)
    {
        if (entry.Length <= RatioFloorBytes) return;
        if (entry.Length > Math.Max(entry.CompressedLength, 1) * options.MaxCompressionRatio)
        {
            throw new ExportFormatException(
                $"{name}: {entry.FullName} inflates {entry.Length / Math.Max(entry.CompressedLength, 1):N0} times ({entry.CompressedLength:N0} to {entry.Length:N0} bytes), " +
                $"more than the {options.MaxCompressionRatio} (ExportReaderOptions.MaxCompressionRatio) real exports stay under; it looks like a zip bomb and was not read.",
                entry.FullName);
        }
    }

    // Nothing is extracted to disk, but a name that climbs out of the export only comes from a
    // crafted file, and such a file is not read at all.
    private static void ThrowIfOutsideExport(string name, string entryName)
    {
        var normalized = entryName.Replace('\\', '/');
        var escapes = normalized.StartsWith('/')
            || (normalized.Length >= 2 && normalized[1] == ':' && char.IsAsciiLetter(normalized[0]))
            || normalized.Split('/').Contains("..");
        if (escapes)
        {
            throw new ExportFormatException(
                $"{name} holds an entry named '{entryName}' that points outside the export; a ChatGPT export never does, so the ZIP was not read.",
                entryName);
        }
    }

    private static ExportFormatException TooManyEntries(string name, long count, ExportReaderOptions options) =>
        new($"{name} holds {count:N0} entries, more than {options.MaxZipEntries:N0} (ExportReaderOptions.MaxZipEntries); it was not read.", name);
}

// Reads the entry count from a ZIP's end-of-central-directory record (ZIP64 too), so that a
// crafted directory of millions of entries is refused before ZipArchive loads it.
internal static class ZipEndOfDirectory
{
    private const uint EndSignature = 0x06054b50;
    private const uint Zip64LocatorSignature = 0x07064b50;
    private const uint Zip64EndSignature = 0x06064b50;
    private const int EndRecordSize = 22;

    // -1 when no record is found; ZipArchive then reports the damage.
    public static async Task<long> CountEntriesAsync(Stream stream, CancellationToken cancellationToken)
    {
        var start = stream.Position;
        try
        {
            var tailLength = (int)Math.Min(stream.Length - start, EndRecordSize + ushort.MaxValue);
            var tail = new byte[tailLength];
            stream.Position = stream.Length - tailLength;
            await stream.ReadExactlyAsync(tail, cancellationToken);
            for (var at = tailLength - EndRecordSize; at >= 0; at--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(tail.AsSpan(at)) != EndSignature) continue;
                long count = BinaryPrimitives.ReadUInt16LittleEndian(tail.AsSpan(at + 10));
                if (count != ushort.MaxValue || at < 20) return count;
                var locator = tail.AsSpan(at - 20);
                if (BinaryPrimitives.ReadUInt32LittleEndian(locator) != Zip64LocatorSignature) return count;
                var zip64End = (long)BinaryPrimitives.ReadUInt64LittleEndian(locator[8..]);
                var record = new byte[40];
                stream.Position = zip64End;
                await stream.ReadExactlyAsync(record, cancellationToken);
                return BinaryPrimitives.ReadUInt32LittleEndian(record) == Zip64EndSignature
                    ? (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)), long.MaxValue)
                    : count;
            }

            return -1;
        }
        finally
        {
            stream.Position = start;
        }
    }
}
