namespace ChatOrganizer.Web.Security;

internal static class CorsSetup
{
    /// <summary>Closed unless <c>CORS_ORIGINS</c> (comma-separated origins) opens the API to named sites.</summary>
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
