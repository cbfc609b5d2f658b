namespace ChatOrganizer.Web.Errors;

internal static class ErrorHandling
{
    public static WebApplicationBuilder AddErrorHandling(this WebApplicationBuilder builder)
    {
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Clients see a sentence and a trace id to quote, never the exception.
            context.ProblemDetails.Extensions.Remove("exception");
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
        });
        return builder;
    }

    // API routes answer ProblemDetails JSON; pages answer a readable error page. Stack traces only in
    // Development, where the developer exception page is on.
    public static WebApplication UseErrorHandling(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error/500");
        }
        app.UseStatusCodePagesWithReExecute("/error/{0}");
        return app;
    }

    public static bool IsApiRequest(this HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase);
}
