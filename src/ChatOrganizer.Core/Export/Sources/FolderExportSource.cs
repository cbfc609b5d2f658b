namespace ChatOrganizer.Export.Sources;

// An unpacked export: the export's files at the folder's root, attachments also in subfolders
// (dalle-generations/, user-<id>/).
internal sealed class FolderExportSource(string folder, ExportReaderOptions options)
    : ExportSource(folder, ListExportFiles(folder), isSingleFile: false)
{
    public override IEnumerable<string> AttachmentFileNames =>
        Directory.EnumerateFiles(Name, "file*", SearchOption.AllDirectories).Take(options.MaxZipEntries)
            .Select(f => Path.GetRelativePath(Name, f).Replace('\\', '/'));

    public override IReadOnlyList<ExportEntry> AttachmentFiles =>
        AttachmentFileNames.Select(f => new ExportEntry(f, new FileInfo(Path.Combine(Name, f)).Length)).ToArray();

    public override Task<Stream> OpenAttachmentAsync(ExportEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(OpenRead(Path.Combine(Name, entry.Name)));

    public override Task<Stream> OpenAsync(ExportEntry entry, CancellationToken cancellationToken) =>
        Task.FromResult<Stream>(OpenRead(Path.Combine(Name, entry.Name)));

    private static ExportEntry[] ListExportFiles(string folder) =>
        new DirectoryInfo(folder).EnumerateFiles()
            .Where(f => ExportLayout.IsExportFile(f.Name))
            .Select(f => new ExportEntry(f.Name, f.Length))
            .ToArray();
}
