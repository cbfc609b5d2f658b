using System.Collections;
using ChatOrganizer.Categorization;

namespace ChatOrganizer.Web.Configuration;

internal static class ConfigurationSetup
{
    // The short environment names people set in containers and `.env`, mapped onto the option
    // keys the app binds: the web app's own, and the categorizer's from the core's table (which the CLI reads too).
    // Documented in `.env.example`.
    private static readonly (string Variable, string Key)[] Aliases =
    [
        ("DATA_DIR", "Storage:DataDirectory"),
        ("DATABASE_URL", "Storage:PostgresConnectionString"),
        .. CategorizationOptions.EnvironmentAliases.Select(a => (a.Variable, $"{CategorizationOptions.SectionName}:{a.Setting}")),
        ("CORS_ORIGINS", "Security:CorsOrigins"),
    ];

    // Adds .env from the content root (never overriding real environment variables) and the
    // documented short names such as DATA_DIR, then PORT as the listening port.
    public static WebApplicationBuilder AddConfigurationSources(this WebApplicationBuilder builder)
    {
        var envFile = Path.Combine(builder.Environment.ContentRootPath, ".env");
        if (File.Exists(envFile))
        {
            DotNetEnv.Env.NoClobber().Load(envFile);
        }

        var environment = Environment.GetEnvironmentVariables();
        builder.Configuration.AddInMemoryCollection(MapAliases(environment));

        if (environment["PORT"] is string port && int.TryParse(port, out var portNumber))
        {
            builder.WebHost.UseUrls($"http://0.0.0.0:{portNumber}");
        }

        return builder;
    }

    public static Dictionary<string, string?> MapAliases(IDictionary environment)
    {
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, key) in Aliases)
        {
            if (environment[variable] is string { Length: > 0 } value)
            {
                mapped[key] = value;
            }
        }

        // RATELIMIT_UPLOADS_PERMITLIMIT=5 and the like: RATELIMIT_<POLICY>_<SETTING> → RateLimits:<Policy>:<Setting>.
        foreach (DictionaryEntry entry in environment)
        {
            if (entry is { Key: string name, Value: string { Length: > 0 } value }
                && name.Split('_') is ["RATELIMIT", var policy, var setting])
            {
                mapped[$"RateLimits:{policy}:{setting}"] = value;
            }
        }
        return mapped;
    }
}
