namespace ChatOrganizer.Export.Sources;

// An uploaded JSON (or chat.html) stream: read once, straight from the stream (a seekable one again at any offset,
// ExportReader.ReadConversationAsync). The caller owns it.
internal sealed class StreamExportSource(Stream stream, string fileName)
    : ExportSource(fileName, [new ExportEntry(Path.GetFileName(fileName), null)], isSingleFile: true)
{
    private bool _opened;
    private readonly long _start = stream.CanSeek ? stream.Position : 0;

    public override async Task<Stream> OpenAtAsync(ExportEntry entry, long offset, CancellationToken cancellationToken)
    {
        if (!stream.CanSeek) return await base.OpenAtAsync(entry, offset, cancellationToken);
        stream.Seek(_start + offset, SeekOrigin.Begin);
        return new PrefixedStream(ReadOnlyMemory<byte>.Empty, stream, leaveOpen: true);
    }

    public override Task<Stream> OpenAsync(ExportEntry entry, CancellationToken cancellationToken)
    {
        if (_opened) throw new InvalidOperationException($"{Name} is a stream; its conversations can be read only once.");
        _opened = true;
        return Task.FromResult<Stream>(new PrefixedStream(ReadOnlyMemory<byte>.Empty, stream, leaveOpen: true));
    }
}
