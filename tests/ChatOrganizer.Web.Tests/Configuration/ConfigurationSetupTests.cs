using System.Collections;
using ChatOrganizer.Web.Configuration;

namespace ChatOrganizer.Web.Tests.Configuration;

public sealed class ConfigurationSetupTests
{
    [Fact]
    public void DocumentedEnvironmentNamesMapOntoOptionKeys()
    {
        var environment = new Hashtable
        {
            ["DATA_DIR"] = "/srv/chatorg",
            ["OPENAI_MODEL"] = "gpt-4.1-mini",
            ["CORS_ORIGINS"] = "https://a.example",
            ["RATELIMIT_UPLOADS_PERMITLIMIT"] = "5",
            ["RATELIMIT_POLLING_WINDOWSECONDS"] = "30",
            ["UNRELATED"] = "x",
        };

        var mapped = ConfigurationSetup.MapAliases(environment);

        Assert.Equal("/srv/chatorg", mapped["Storage:DataDirectory"]);
        Assert.Equal("gpt-4.1-mini", mapped["Categorization:Model"]);
        Assert.Equal("https://a.example", mapped["Security:CorsOrigins"]);
        Assert.Equal("5", mapped["RateLimits:UPLOADS:PERMITLIMIT"]);
        Assert.Equal("30", mapped["RateLimits:POLLING:WINDOWSECONDS"]);
        Assert.Equal(5, mapped.Count);
    }

    [Fact]
    public void RateLimitSettingsAreReadFromConfiguration()
    {
        using var app = new ChatOrganizerApp().With("RateLimits:POLLING:PERMITLIMIT", "7");

        var options = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptionsMonitor<ChatOrganizer.Web.Security.RateLimitPolicyOptions>>();

        Assert.Equal(7, options.Get("Polling").PermitLimit);
        Assert.Equal(60, options.Get("Polling").WindowSeconds);
    }
}
