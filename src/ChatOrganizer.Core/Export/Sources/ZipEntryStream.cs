using System.IO.Compression;

namespace ChatOrganizer.Export.Sources;

// An inflating entry held to its header: no more bytes than declared, no more than the ratio
// allows, and within the export's total budget. A lying header is how zip bombs get past checks
// made before inflating.
internal sealed class ZipEntryStream(Stream inner, ZipExportSource source, ZipArchiveEntry entry) : ReadOnlyStream
{
    private long _read;

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }

        return Count(read);
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken);
        }
        catch (InvalidDataException e)
        {
            throw Damaged(e);
        }

        return Count(read);
    }

    private int Count(int read)
    {
        _read += read;
        source.CountInflated(read, entry.FullName);
        if (_read > entry.Length)
        {
            throw new ExportFormatException(
                $"{source.Name}: {entry.FullName} inflates to more than the {entry.Length:N0} bytes its header declares; the ZIP is damaged or crafted, so reading stopped.",
                entry.FullName, _read);
        }

        if (_read > ZipExportSource.RatioFloorBytes && _read > Math.Max(entry.CompressedLength, 1) * source.MaxCompressionRatio)
        {
            throw new ExportFormatException(
                $"{source.Name}: {entry.FullName} inflates more than {source.MaxCompressionRatio} times (ExportReaderOptions.MaxCompressionRatio); it looks like a zip bomb, so reading stopped.",
                entry.FullName, _read);
        }

        return read;
    }

    private ExportFormatException Damaged(InvalidDataException e) =>
        new($"{source.Name}: {entry.FullName} could not be inflated at byte {_read}: {e.Message}", entry.FullName, _read, e);

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
