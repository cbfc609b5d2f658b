using ChatOrganizer.Web.Storage;
using Npgsql;

namespace ChatOrganizer.Web.Tests.Storage;

public sealed class StorageOptionsTests
{
    [Fact]
    public void ADatabaseUrlIsReadAsAnNpgsqlConnectionString()
    {
        var options = new StorageOptions { PostgresConnectionString = "postgres://chat%40org:p%3Ass@db.local:6543/organizer" };

        var parsed = new NpgsqlConnectionStringBuilder(options.NpgsqlConnectionString());

        Assert.Equal(("db.local", 6543, "organizer", "chat@org", "p:ss"), (parsed.Host, parsed.Port, parsed.Database, parsed.Username, parsed.Password));
    }

    [Fact]
    public void AKeyValueConnectionStringIsUsedAsItIs()
    {
        var options = new StorageOptions { PostgresConnectionString = "Host=db;Database=x" };

        Assert.Equal("Host=db;Database=x", options.NpgsqlConnectionString());
        Assert.True(options.UsesPostgres);
        Assert.False(new StorageOptions { PostgresConnectionString = "" }.UsesPostgres);
    }

    [Fact]
    public void TheDataFolderAndItsKeyRingAreOpenOnlyToTheAppsUser()
    {
        if (OperatingSystem.IsWindows()) return; // NTFS ACLs, not mode bits, guard it there.
        using var app = new ChatOrganizerApp();
        _ = app.Services; // starts the app, which creates the folders

        var folder = app.Services.GetRequiredService<DataFolder>();

        foreach (var path in new[] { folder.Root, folder.Uploads, folder.Keys })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(path));
        }
    }
}
