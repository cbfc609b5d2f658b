using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Categorization;

public static class OfflineSetup
{
    // The process's one offline engine (its embedding model is loaded once and shared by every job), with its distilled
    // token vectors kept in the data folder; BatchCategorizer takes it from the container.
    public static WebApplicationBuilder AddOfflineCategorizer(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton(services => OfflineEngine.For(new OfflineEngineOptions(services.GetRequiredService<DataFolder>().Models)));
        builder.Services.AddHostedService<OfflineWarmup>();
        return builder;
    }
}
