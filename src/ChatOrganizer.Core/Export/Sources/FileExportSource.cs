namespace ChatOrganizer.Export.Sources;

// A conversations.json (or chat.html) given by path; it can be read again.
internal sealed class FileExportSource(string path)
    : ExportSource(path, [new ExportEntry(Path.GetFileName(path), new FileInfo(path).Length)], isSingleFile: true)
{
    public override Task<Stream> OpenAsync(ExportEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(OpenRead(Name));
}
