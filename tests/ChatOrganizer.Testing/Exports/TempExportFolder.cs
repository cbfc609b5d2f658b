using System.IO.Compression;
using System.Text;

namespace ChatOrganizer.Testing.Exports;

// A temp folder for export fixtures written by a test; deleted on dispose.
public sealed class TempExportFolder : IDisposable
{
    public TempExportFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"chatorg-test-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public string Write(string name, string content) => Write(name, Encoding.UTF8.GetBytes(content));

    public string Write(string name, byte[] content)
    {
        var path = File(name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    // Writes a ZIP holding the given entries (name, UTF-8 text), deflated as ChatGPT exports are.
    public string WriteZip(string name, params (string Entry, string Content)[] entries) =>
        WriteZip(name, entries.Select(e => (e.Entry, Encoding.UTF8.GetBytes(e.Content))).ToArray());

    public string WriteZip(string name, params (string Entry, byte[] Content)[] entries)
    {
        var path = File(name);
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (entry, content) in entries)
        {
            using var stream = zip.CreateEntry(entry, CompressionLevel.Fastest).Open();
            stream.Write(content);
        }

        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A reader still holding a file open on another test thread: the OS temp cleanup gets it.
        }
    }
}
