namespace ChatOrganizer.Web.Results;

internal static class ResultsSetup
{
    public static WebApplicationBuilder AddResults(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ResultsQuery>();
        builder.Services.AddScoped<ConversationStore>();
        builder.Services.AddScoped<Corrections>();
        return builder;
    }
}
