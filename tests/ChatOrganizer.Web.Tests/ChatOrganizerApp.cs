using Microsoft.AspNetCore.Hosting;
using ChatOrganizer.Testing;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ChatOrganizer.Web.Tests;

/// <summary>
/// The app as a person runs it, with its data folder in a fresh temp directory (SQLite file,
/// uploads, keys) that is deleted afterwards. Settings can be overridden per test.
/// </summary>
public class ChatOrganizerApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public ChatOrganizerApp()
    {
        DataDirectory = Directory.CreateTempSubdirectory("chatorg-web-").FullName;
        _settings["Storage:DataDirectory"] = DataDirectory;
    }

    public string DataDirectory { get; }

    public ChatOrganizerApp With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepositoryRoot.Path);
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by a closing handle: the OS temp cleaner will have it.
            }
        }
    }
}
