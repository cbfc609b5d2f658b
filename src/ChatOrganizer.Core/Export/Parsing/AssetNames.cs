namespace ChatOrganizer.Export.Parsing;

// Names for asset pointers. A pointer (sediment://file_00ab..., file-service://file-AbC1...) names a
// file id; exports store the file as `file-AbC1-photo.png` (2023 to 2025) or as `file_00ab....dat`
// with its original name in conversation_asset_file_names.json (2026).
internal sealed class AssetNames
{
    private readonly Dictionary<string, string> _stored = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _original = new(StringComparer.Ordinal);

    public int Count => _stored.Count + _original.Count;

    // path: where the file sits in the export (file-AbC1-photo.png, dalle-generations/file-..., user-x/file_...).
    private readonly Dictionary<string, string> _paths = new(StringComparer.Ordinal);

    public void AddStoredFile(string path)
    {
        var fileName = Path.GetFileName(path);
        if (!fileName.StartsWith("file", StringComparison.Ordinal)) return;
        var id = IdOf(fileName);
        _stored.TryAdd(id, fileName);
        _paths.TryAdd(id, path);
    }

    public void AddOriginalName(string storedFile, string originalName) =>
        _original[IdOf(Path.GetFileName(storedFile))] = originalName;

    // The original name when the export maps it, else the stored file's name; null when the
    // export does not hold the file (exports leave out some generated and expired files).
    public string? Find(string pointer)
    {
        var id = IdOf(StripScheme(pointer));
        return _original.GetValueOrDefault(id) ?? _stored.GetValueOrDefault(id);
    }

    // The stored file's path inside the export; null when the export does not hold it.
    public string? FindFile(string pointer) => _paths.GetValueOrDefault(IdOf(StripScheme(pointer)));

    // The original name conversation_asset_file_names.json gives, if any.
    public string? FindOriginalName(string pointer) => _original.GetValueOrDefault(IdOf(StripScheme(pointer)));

    private static string StripScheme(string pointer)
    {
        var scheme = pointer.IndexOf("://", StringComparison.Ordinal);
        return scheme < 0 ? pointer : pointer[(scheme + 3)..];
    }

    // file-AbC1-photo.png -> file-AbC1; file_00ab.dat -> file_00ab; file_00ab -> file_00ab
    private static string IdOf(string name)
    {
        var prefix = name.StartsWith("file-", StringComparison.Ordinal) || name.StartsWith("file_", StringComparison.Ordinal) ? 5 : 0;
        var end = name.AsSpan(prefix).IndexOfAny('-', '.');
        return end < 0 ? name : name[..(prefix + end)];
    }
}
