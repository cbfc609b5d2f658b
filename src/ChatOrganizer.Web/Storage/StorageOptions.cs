using Npgsql;

namespace ChatOrganizer.Web.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    // Uploads, the SQLite database and Data Protection keys live here (environment DATA_DIR).
    public string DataDirectory { get; set; } = "data";

    // Set to use PostgreSQL instead of the embedded SQLite file (environment DATABASE_URL): either
    // Host=...;Database=... or postgres://user:password@host:port/database. Instances sharing it form a cluster.
    public string? PostgresConnectionString { get; set; }

    public bool UsesPostgres => !string.IsNullOrWhiteSpace(PostgresConnectionString);

    public string ResolveDataDirectory(string contentRoot) => Path.GetFullPath(DataDirectory, contentRoot);

    // The connection string in Npgsql's form, whichever form it was given in.
    public string NpgsqlConnectionString()
    {
        var value = PostgresConnectionString ?? throw new InvalidOperationException("No PostgreSQL connection string is set.");
        if (!value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
        {
            return value;
        }

        var uri = new Uri(value);
        var userInfo = uri.UserInfo.Split(':', 2);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')),
            Username = userInfo.Length > 0 && userInfo[0].Length > 0 ? Uri.UnescapeDataString(userInfo[0]) : null,
            Password = userInfo.Length > 1 ? Uri.UnescapeDataString(userInfo[1]) : null,
        };
        return builder.ConnectionString;
    }
}
