namespace ChatOrganizer.Web.CategorySets;

internal static class CategorySetsSetup
{
    public static WebApplicationBuilder AddCategorySets(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<CategorySetService>();
        return builder;
    }
}
