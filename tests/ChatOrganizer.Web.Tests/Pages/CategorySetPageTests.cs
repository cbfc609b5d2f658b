using System.Net;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class CategorySetPageTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheBuiltInSetIsListedWithItsCategoriesAndCanBeCopiedButNotEdited()
    {
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync("/category-sets");

        Assert.Contains("built in", html, StringComparison.Ordinal);
        Assert.Contains("action=\"/category-sets/default/copy\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/category-sets/default\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/category-sets/default/delete", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MakingACopyOfTheDefaultSetOpensTheCopyForEditing()
    {
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.PostFormAsync("/category-sets/default/copy");
        var edit = await client.PageAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var copy = Assert.Single(await SetsAsync(), s => !s.IsBuiltIn);
        Assert.EndsWith("(copy)", copy.Name, StringComparison.Ordinal);
        Assert.Equal((await SetsAsync()).Single(s => s.IsBuiltIn).Categories.Select(c => c.Name), copy.Categories.Select(c => c.Name));
        Assert.Contains($"action=\"/category-sets/{copy.Id}\"", edit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANewSetSavedFromTheFormIsListedAndBlankRowsAreDropped()
    {
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.PostFormAsync("/category-sets/new",
            ("Name", "Kitchen"), ("Categories[0].Name", "Baking"), ("Categories[0].Description", "Bread and cakes"),
            ("Categories[0].Keywords", "flour, oven"), ("Categories[1].Name", "Soups"), ("Categories[2].Name", ""), ("command", "save"));

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        var set = Assert.Single(await SetsAsync(), s => s.Name == "Kitchen");
        Assert.Equal(["Baking", "Soups"], set.Categories.Select(c => c.Name));
        Assert.Equal(["flour", "oven"], set.Categories[0].Keywords);
        Assert.Contains("Kitchen", await client.PageAsync("/category-sets"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyAndDuplicateNamesComeBackBesideTheirRowsWithEverythingTyped()
    {
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.PostFormAsync("/category-sets/new",
            ("Name", "Mixed"), ("Categories[0].Name", "Travel"), ("Categories[1].Name", "travel"),
            ("Categories[2].Name", ""), ("Categories[2].Description", "a description without a name"), ("command", "save"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The set was not saved", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"field-error\" id=\"cat-2-problem\">Category 3 needs a name.</p>", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cat-0-problem\">Category &#x27;Travel&#x27; appears 2 times", html, StringComparison.Ordinal);
        Assert.Contains("id=\"cat-1-problem\">Category &#x27;Travel&#x27; appears 2 times", html, StringComparison.Ordinal);
        Assert.Contains("value=\"a description without a name\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain(await SetsAsync(), s => s.Name == "Mixed");
    }

    [Fact]
    public async Task TooManyCategoriesIsSaidPlainly()
    {
        using var client = fixture.App.CreateSessionClient(_session);
        var rows = Enumerable.Range(0, CategorySet.MaxCategories + 1).Select(i => ($"Categories[{i}].Name", $"Topic {i}"));

        using var response = await client.PostFormAsync("/category-sets/new", [("Name", "Huge"), .. rows, ("command", "save")]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"at most {CategorySet.MaxCategories} are allowed", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowsAreAddedAndRemovedByTheFormsButtonsWithoutScript()
    {
        using var client = fixture.App.CreateSessionClient(_session);

        using var added = await client.PostFormAsync("/category-sets/new", ("Name", "Rows"), ("Categories[0].Name", "One"), ("command", "add"));
        var addedHtml = await added.Content.ReadAsStringAsync();
        using var removed = await client.PostFormAsync("/category-sets/new",
            ("Name", "Rows"), ("Categories[0].Name", "One"), ("Categories[1].Name", "Two"), ("Categories[2].Name", "Three"), ("command", "remove:1"));
        var removedHtml = await removed.Content.ReadAsStringAsync();

        Assert.Contains("name=\"Categories[1].Name\"", addedHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"One\"", addedHtml, StringComparison.Ordinal);
        Assert.Contains("name=\"Categories[1].Name\" value=\"Three\"", removedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"Two\"", removedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain(await SetsAsync(), s => s.Name == "Rows");
    }

    [Fact]
    public async Task EditingASetSavesTheChangeAndDeletingItRemovesIt()
    {
        using var client = fixture.App.CreateSessionClient(_session);
        var set = await CreateAsync("Before", "A");

        using var saved = await client.PostFormAsync($"/category-sets/{set.Id}", ("Name", "After"), ("Categories[0].Name", "B"), ("command", "save"));
        var afterSave = (await SetsAsync()).Single(s => s.Id == set.Id);
        using var deleted = await client.PostFormAsync($"/category-sets/{set.Id}/delete");

        Assert.Equal(HttpStatusCode.Found, saved.StatusCode);
        Assert.Equal(("After", "B"), (afterSave.Name, afterSave.Categories.Single().Name));
        Assert.Equal(HttpStatusCode.Found, deleted.StatusCode);
        Assert.DoesNotContain(await SetsAsync(), s => s.Id == set.Id);
    }

    [Fact]
    public async Task HostileNamesAreEncodedInTheListTheFormAndTheUploadPage()
    {
        using var client = fixture.App.CreateSessionClient(_session);
        // Whole: a name cut short of the attack's end would test nothing (a set name holds 200 characters, a category's 60).
        Assert.InRange(PageSeed.Hostile.Length, 1, CategorySet.MaxNameLength);
        var set = await CreateAsync(PageSeed.Hostile, PageSeed.Hostile);

        HtmlAssert.Encoded(PageSeed.Hostile, await client.PageAsync("/category-sets"));
        HtmlAssert.Encoded(PageSeed.Hostile, await client.PageAsync($"/category-sets/{set.Id}"));
        HtmlAssert.Encoded(PageSeed.Hostile, await client.PageAsync("/"));
    }

    private async Task<CategorySetView> CreateAsync(string name, params string[] categories)
    {
        using var scope = fixture.App.Services.CreateScope();
        var change = await scope.ServiceProvider.GetRequiredService<CategorySetService>()
            .CreateAsync(_session, new CategorySetInput(name, [.. categories.Select(c => new CategoryInput(c))]), CancellationToken.None);
        return change.Set ?? throw new InvalidOperationException(string.Join(" ", change.Problems));
    }

    private async Task<IReadOnlyList<CategorySetView>> SetsAsync()
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CategorySetService>().ListAsync(_session, CancellationToken.None);
    }
}
