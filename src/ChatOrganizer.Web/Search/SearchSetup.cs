namespace ChatOrganizer.Web.Search;

internal static class SearchSetup
{
    public static WebApplicationBuilder AddSearch(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<SearchQuery>();
        builder.Services.AddSingleton<SearchIndexer>();
        builder.Services.AddHostedService<SearchIndexing>();
        return builder;
    }
}
