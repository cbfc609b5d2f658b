namespace ChatOrganizer.Web.Storage;

/// <summary>Where files go inside the data folder: one place for every path.</summary>
/// <remarks>Scale-out instances share this folder (uploads are read by whichever instance picks the job up).</remarks>
public sealed class DataFolder
{
    public DataFolder(string root)
    {
        Root = root;
        Uploads = Path.Combine(root, "uploads");
        Directory.CreateDirectory(Uploads);
    }

    public string Root { get; }
    public string Uploads { get; }
    public string Database => Path.Combine(Root, "chatorganizer.db");

    /// <summary>Quartz's own SQLite file: apart from the app's so the two never wait on each other's write lock.</summary>
    public string SchedulerDatabase => Path.Combine(Root, "scheduler.db");

    public string UploadPath(string jobId) => Path.Combine(Uploads, jobId);

    /// <summary>A file being received, before its job exists; named so no job id can collide with it.</summary>
    public string IncomingPath() => Path.Combine(Uploads, $"incoming-{Guid.NewGuid():N}");
}
