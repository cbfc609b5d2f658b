using System.Net;
using System.Net.Http.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Tests.Api;

public sealed class CategorySetsApiTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private static readonly Uri Sets = new("/api/category-sets", UriKind.Relative);

    private static CategorySetInput Hobbies => new("Hobbies", [new("Cooking", "Recipes and kitchens"), new("Cycling"), new("Other")]);

    [Fact]
    public async Task EverySessionSeesTheEnginesDefaultSetFirst()
    {
        using var client = fixture.App.CreateClient();

        var sets = await client.GetFromJsonAsync<List<CategorySetView>>(Sets);

        var first = Assert.IsType<CategorySetView>(sets?.FirstOrDefault());
        Assert.Equal((CategorySetService.DefaultId, true), (first.Id, first.IsBuiltIn));
        Assert.Equal(CategorySet.Default.Categories.Select(c => c.Name), first.Categories.Select(c => c.Name));
    }

    [Fact]
    public async Task TheDefaultSetCannotBeChangedOrDeleted()
    {
        using var client = fixture.App.CreateClient();

        using var put = await client.PutAsJsonAsync(new Uri("/api/category-sets/default", UriKind.Relative), Hobbies);
        using var delete = await client.DeleteAsync(new Uri("/api/category-sets/default", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Conflict, put.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, delete.StatusCode);
        Assert.Contains("Copy it", (await put.Content.ReadFromJsonAsync<ProblemDetails>())?.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACreatedSetCanBeReadChangedAndDeleted()
    {
        using var client = fixture.App.CreateClient();

        using var created = await client.PostAsJsonAsync(Sets, Hobbies);
        var set = await created.Content.ReadFromJsonAsync<CategorySetView>();
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(set);
        Assert.Equal($"/api/category-sets/{set.Id}", created.Headers.Location?.AbsolutePath);
        Assert.Equal(["Cooking", "Cycling", "Other"], set.Categories.Select(c => c.Name));

        using var updated = await client.PutAsJsonAsync(created.Headers.Location, Hobbies with { Name = "Pastimes" });
        Assert.Equal("Pastimes", (await updated.Content.ReadFromJsonAsync<CategorySetView>())?.Name);
        Assert.Equal("Pastimes", (await client.GetFromJsonAsync<CategorySetView>(created.Headers.Location))?.Name);

        using var deleted = await client.DeleteAsync(created.Headers.Location);
        using var gone = await client.GetAsync(created.Headers.Location);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task AnInvalidSetIsRefusedWithEveryProblemAsASentence()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.PostAsJsonAsync(Sets, new CategorySetInput("", [new("Cooking"), new("cooking"), new("")]));
        var problem = await response.Content.ReadFromJsonAsync<ValidationProblemDetails>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = Assert.Single(problem!.Errors).Value;
        Assert.Contains("The category set needs a name.", problems);
        Assert.Contains(problems, p => p.Contains("appears 2 times", StringComparison.Ordinal));
        Assert.Contains("Category 3 needs a name.", problems);
    }
}
