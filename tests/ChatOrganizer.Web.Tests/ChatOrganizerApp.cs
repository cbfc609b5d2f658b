using Microsoft.AspNetCore.Hosting;
using ChatOrganizer.Testing;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ChatOrganizer.Web.Tests;

/// <summary>
/// The app as a person runs it, with its data folder in a fresh temp directory (SQLite file,
/// uploads, keys) that is deleted afterwards. Settings can be overridden per test.
/// </summary>
public class ChatOrganizerApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> _services = [];

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

    /// <summary>Replaces services for this app, e.g. the clock.</summary>
    public ChatOrganizerApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
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
        builder.ConfigureTestServices(services => _services.ForEach(configure => configure(services)));
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
