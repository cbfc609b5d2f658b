namespace ChatOrganizer.Web.Security;

internal static class SecuritySetup
{
    // Sessions, protected API keys, CORS allow-list, trusted proxies and rate limits.
    public static WebApplicationBuilder AddSecurity(this WebApplicationBuilder builder)
    {
        builder.AddSessions();
        builder.AddCorsAllowList();
        builder.AddTrustedProxies();
        builder.AddRateLimits();
        builder.Services.AddOptions<ApiKeyOptions>().BindConfiguration(ApiKeyOptions.Section)
            .Validate(o => o.TokenLifetime > TimeSpan.Zero && o.JobKeyLifetime > TimeSpan.Zero,
                $"{ApiKeyOptions.Section}: TokenLifetime and JobKeyLifetime must be positive durations such as 00:10:00.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ApiKeyProtector>();
        builder.Services.AddScoped<SessionHandoffs>();
        return builder;
    }

    // Order matters: routing first (policies are endpoint metadata), then who is asking, then how often they may.
    public static WebApplication UseSecurity(this WebApplication app)
    {
        app.UseRouting();
        app.UseCors();
        app.UseSessions();
        app.UseRateLimiter();
        return app;
    }
}
