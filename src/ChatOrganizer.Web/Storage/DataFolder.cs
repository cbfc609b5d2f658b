namespace ChatOrganizer.Web.Storage;

// Where files go inside the data folder: one place for every path.
// Scale-out instances share this folder (uploads are read by whichever instance picks the job up).
public sealed class DataFolder
{
    public DataFolder(string root)
    {
        Root = root;
        Uploads = Path.Combine(root, "uploads");
        CreatePrivate(Root);
        CreatePrivate(Uploads);
    }

    // Creates a folder only its owner can enter: it holds people's exports, and Data Protection keys that Linux
    // has no OS store to encrypt at rest. An existing folder keeps the permissions it was given.
    public static void CreatePrivate(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Root { get; }
    public string Uploads { get; }
    public string Database => Path.Combine(Root, "chatorganizer.db");

    // Data Protection's key ring: session cookies, bearer tokens and people's protected API keys depend on it.
    public string Keys => Path.Combine(Root, "keys");

    // The offline categorizer's token vectors, distilled from its embedding model at first use.
    public string Models => Path.Combine(Root, "models");

    public string UploadPath(string jobId) => Path.Combine(Uploads, jobId);

    // A job's files from its export ZIP, named by number only: no name from the export ever becomes a path here.
    public string AttachmentFolder(string jobId) => Path.Combine(Root, "attachments", jobId);

    public string AttachmentPath(string jobId, int number) => Path.Combine(AttachmentFolder(jobId), number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    // A file being received, before its job exists; named so no job id can collide with it.
    public string IncomingPath() => Path.Combine(Uploads, $"incoming-{Guid.NewGuid():N}");
}
