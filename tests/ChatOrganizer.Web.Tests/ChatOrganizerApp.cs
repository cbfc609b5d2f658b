using System.Net;
using ChatOrganizer.Testing;
using ChatOrganizer.Web.Security;
using Hangfire;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Tests;

// The app as a person runs it, with its data folder in a fresh temp directory (SQLite file,
// uploads, keys) that is deleted afterwards. Settings can be overridden per test.
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

    // No key, and OpenAI's own endpoint (a server on this machine would need none), so nothing may be sent anywhere:
    // the offline categorizer files everything. Polling unlimited, for tests that wait on jobs.
    public ChatOrganizerApp Offline() => With("Categorization:ApiKey", "")
        .With("Categorization:BaseUrl", "https://api.openai.com/v1")
        .With("RateLimits:Polling:PermitLimit", "100000")
        .With("RateLimits:Polling:AddressPermitLimit", "100000");

    // Replaces services for this app, e.g. the clock.
    public ChatOrganizerApp WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    // No Hangfire server: steps are queued but nothing runs them, so a test can run them itself (two copies at once, say).
    public ChatOrganizerApp WithoutJobServer() => WithServices(services =>
    {
        var servers = services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationFactory?.Method.ReturnType == typeof(BackgroundJobServerHostedService)).ToList();
        if (servers.Count == 0) throw new InvalidOperationException("The app registers no Hangfire server to leave out.");
        servers.ForEach(server => services.Remove(server));
    });

    // No search indexer (SQLite): every search row stays above the index's mark, and is found by the scan.
    public ChatOrganizerApp WithoutSearchIndexer() => WithServices(services =>
    {
        var indexer = services.SingleOrDefault(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(Web.Search.SearchIndexing))
            ?? throw new InvalidOperationException("The app registers no search indexer to leave out.");
        services.Remove(indexer);
    });

    // A browser-like client (cookies, no automatic redirects) already in the session sessionId,
    // so a test can seed that session's rows and then look at its pages.
    public HttpClient CreateSessionClient(string sessionId)
    {
        var cookies = Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = new AuthenticationTicket(Sessions.Principal(sessionId), CookieAuthenticationDefaults.AuthenticationScheme);
        var container = new CookieContainer();
        container.Add(ClientOptions.BaseAddress, new Cookie(Sessions.CookieName, cookies.TicketDataFormat.Protect(ticket)));
        return CreateDefaultClient(ClientOptions.BaseAddress, new CookieContainerHandler(container));
    }

    // Serves on a real port of 127.0.0.1, for a browser; returns the address.
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        var address = Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseContentRoot(RepositoryRoot.Path);
        builder.UseEnvironment("Testing");
        // The console too, for the console alone: a test that raises the levels to search its own captured logs stays quiet.
        builder.UseSetting("Logging:LogLevel:Default", TestLogLevel.Value);
        builder.UseSetting("Logging:Console:LogLevel:Default", TestLogLevel.Value);
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
