namespace ChatOrganizer.Web.Security;

internal static class CorsSetup
{
    // Closed unless CORS_ORIGINS (comma-separated origins) opens the API to named sites.
    public static WebApplicationBuilder AddCorsAllowList(this WebApplicationBuilder builder)
    {
        var origins = (builder.Configuration["Security:CorsOrigins"] ?? "")
            .Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        builder.Services.AddCors(cors => cors.AddDefaultPolicy(policy =>
        {
            if (origins.Length > 0)
            {
                policy.WithOrigins(origins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()
                    .WithExposedHeaders("Location", "Retry-After");
            }
        }));
        return builder;
    }
}
