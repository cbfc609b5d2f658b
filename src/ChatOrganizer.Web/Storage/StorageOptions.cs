namespace ChatOrganizer.Web.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Uploads, the SQLite database and Data Protection keys live here (environment <c>DATA_DIR</c>).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Set to use PostgreSQL instead of the embedded SQLite file (environment <c>DATABASE_URL</c>).</summary>
    public string? PostgresConnectionString { get; set; }

    public string ResolveDataDirectory(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);
}
