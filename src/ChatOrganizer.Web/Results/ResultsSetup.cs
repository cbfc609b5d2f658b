namespace ChatOrganizer.Web.Results;

internal static class ResultsSetup
{
    public static WebApplicationBuilder AddResults(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ResultsQuery>();
        builder.Services.AddScoped<ConversationStore>();
        builder.Services.AddSingleton<PreparingTranscripts>();
        builder.Services.AddMemoryCache(o => o.SizeLimit ??= SimilarConversations.CacheBytes);
        builder.Services.AddSingleton<SimilarConversations>();
        builder.Services.AddSingleton<ConversationVectorBackfill>();
        builder.Services.AddHostedService(services => services.GetRequiredService<ConversationVectorBackfill>());
        builder.Services.AddSingleton<AttachmentStore>();
        builder.Services.AddScoped<Corrections>();
        return builder;
    }
}
