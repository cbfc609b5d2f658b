using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

// A person moving conversations to another category: pages without script, the API, downloads, later jobs.
public sealed partial class CorrectionTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task MovingATickedConversationOnTheResultsPageChangesTheCountsAndAnUndoPutsItBack()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);
        var page = await client.PageAsync($"/jobs/{job.Id}/results?view=topic");
        Assert.Contains("form=\"corrections\"", page, StringComparison.Ordinal);
        Assert.Equal([("Cooking", "2"), ("Travel", "1")], Counts(page));

        using var moved = await client.PostFormAsync($"/jobs/{job.Id}/corrections",
            ("index", "1"), ("category", "Travel"), ("returnTo", $"/jobs/{job.Id}/results?view=topic"));
        Assert.Equal(HttpStatusCode.Found, moved.StatusCode);
        var back = moved.Headers.Location!.OriginalString;
        Assert.StartsWith($"/jobs/{job.Id}/results?view=topic&corrected=", back, StringComparison.Ordinal);

        var after = await client.PageAsync(back);
        Assert.Equal([("Travel", "2"), ("Cooking", "1")], Counts(after));
        Assert.Contains("Moved 1 conversation to “Travel”", after, StringComparison.Ordinal);
        Assert.Contains("data-chosen", after, StringComparison.Ordinal);

        var batch = Regex.Match(after, "name=\"batch\" value=\"([^\"]+)\"").Groups[1].Value;
        using var undone = await client.PostFormAsync($"/jobs/{job.Id}/corrections/undo", ("batch", batch), ("returnTo", $"/jobs/{job.Id}/results?view=topic"));
        Assert.Equal(HttpStatusCode.Found, undone.StatusCode);
        var restored = await client.PageAsync(undone.Headers.Location!.OriginalString);
        Assert.Equal([("Cooking", "2"), ("Travel", "1")], Counts(restored));
        Assert.DoesNotContain("data-chosen", restored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormsPostWithATokenAndTheirFieldsAreLabelled()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);
        (await client.PatchAsJsonAsync($"/api/jobs/{job.Id}/conversations/2", new { category = "Cooking" })).Dispose();

        foreach (var path in new[] { $"/jobs/{job.Id}/results", $"/jobs/{job.Id}/results?view=month", $"/jobs/{job.Id}/conversations/2" })
        {
            var html = await client.PageAsync(path);
            var forms = Regex.Matches(html, "<form[^>]*action=\"/jobs/[^\"]+/corrections[^\"]*\".*?</form>", RegexOptions.Singleline);
            Assert.NotEmpty(forms);
            Assert.All(forms, f => Assert.Contains(PageClient.TokenField, f.Value, StringComparison.Ordinal));
            Assert.Contains("for=\"correction", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ASelectionMovesAtOnceAndAFailedConversationCanBeFiledByHand()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);

        using var moved = await client.PostFormAsync($"/jobs/{job.Id}/corrections",
            ("index", "0"), ("index", "1"), ("index", "3"), ("category", "旅行"), ("returnTo", $"/jobs/{job.Id}/results"));
        var after = await client.PageAsync(moved.Headers.Location!.OriginalString);

        Assert.Equal([("旅行", "3"), ("Travel", "1")], Counts(after));
        Assert.DoesNotContain("Could not be categorized", after, StringComparison.Ordinal);
        Assert.Contains("Moved 3 conversations to “旅行”", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheViewerMovesItsConversationAndCanGoBackToTheCategorizersChoice()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);
        var viewer = $"/jobs/{job.Id}/conversations/2";
        Assert.Contains("Move this conversation to", await client.PageAsync(viewer), StringComparison.Ordinal);

        using var moved = await client.PostFormAsync($"/jobs/{job.Id}/corrections", ("index", "2"), ("category", "Cooking"), ("returnTo", viewer));
        var page = await client.PageAsync(moved.Headers.Location!.OriginalString);
        Assert.StartsWith(viewer + "?corrected=", moved.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Contains("data-chosen", page, StringComparison.Ordinal);
        Assert.Contains("the categorizer had “Travel”", page, StringComparison.Ordinal);

        using var cleared = await client.PostFormAsync($"/jobs/{job.Id}/corrections", ("index", "2"), ("clear", "true"), ("returnTo", viewer));
        Assert.DoesNotContain("data-chosen", await client.PageAsync(cleared.Headers.Location!.OriginalString), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFormThatNamesAnUnknownCategoryOrSendsElsewhereMovesNothing()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);

        using var unknown = await client.PostFormAsync($"/jobs/{job.Id}/corrections", ("index", "0"), ("category", "Gardening"), ("returnTo", "https://evil.example/"));
        var html = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("is not a category of “Mine”", html, StringComparison.Ordinal);
        Assert.Contains($"href=\"/jobs/{job.Id}/results\"", html, StringComparison.Ordinal);

        using var redirected = await client.PostFormAsync($"/jobs/{job.Id}/corrections", ("index", "0"), ("category", "Travel"), ("returnTo", "//evil.example/x"));
        Assert.StartsWith($"/jobs/{job.Id}/results?corrected=", redirected.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheApiCorrectsOneOrManyAndAnswersProblemDetailsForWhatItCannot()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);

        using var one = await client.PatchAsJsonAsync($"/api/jobs/{job.Id}/conversations/0", new { category = "travel" });
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        var made = await one.Content.ReadFromJsonAsync<JsonElement>();
        var conversation = made.GetProperty("conversations")[0];
        Assert.Equal("Travel", conversation.GetProperty("category").GetString());
        Assert.True(conversation.GetProperty("corrected").GetBoolean());
        Assert.Equal("Cooking", conversation.GetProperty("engineCategory").GetString());

        using var many = await client.PostAsJsonAsync($"/api/jobs/{job.Id}/corrections", new[] { new { index = 1, category = "旅行" }, new { index = 3, category = "旅行" } });
        Assert.Equal(2, (await many.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetInt32());
        var results = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{job.Id}/results");
        Assert.Equal(["Travel:2", "旅行:2"], results.GetProperty("groups").EnumerateArray()
            .Select(g => $"{g.GetProperty("key").GetString()}:{g.GetProperty("count").GetInt32()}").Order(StringComparer.Ordinal));

        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/jobs/{job.Id}/conversations/0", new { category = "Gardening" }), HttpStatusCode.BadRequest, "is not a category");
        await AssertProblemAsync(await client.PatchAsJsonAsync($"/api/jobs/{job.Id}/conversations/99", new { category = "Travel" }), HttpStatusCode.NotFound, "no such conversation");
        await AssertProblemAsync(await client.PostAsJsonAsync($"/api/jobs/{job.Id}/corrections", new[] { new { index = 0, category = "Travel" }, new { index = 42, category = "Travel" } }),
            HttpStatusCode.BadRequest, "no conversation #42");
        await AssertProblemAsync(await client.PostAsJsonAsync($"/api/jobs/{job.Id}/corrections", Array.Empty<object>()), HttpStatusCode.BadRequest, "at least one");

        using var undo = await client.DeleteAsync(new Uri($"/api/jobs/{job.Id}/corrections/{made.GetProperty("batch").GetString()}", UriKind.Relative));
        Assert.Equal(1, (await undo.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("undone").GetInt32());
    }

    [Fact]
    public async Task DownloadsCarryTheCorrection()
    {
        var job = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);
        (await client.PatchAsJsonAsync($"/api/jobs/{job.Id}/conversations/0", new { category = "Travel" })).Dispose();

        var csv = Encoding.UTF8.GetString(await client.GetByteArrayAsync($"/jobs/{job.Id}/download.csv")).Split("\r\n");
        Assert.EndsWith(",Travel,categorized,model,,,,true,Cooking", csv[1], StringComparison.Ordinal);

        var json = await client.GetFromJsonAsync<JsonElement>($"/jobs/{job.Id}/download.json");
        var first = json.GetProperty("conversations")[0];
        Assert.Equal("Travel", first.GetProperty("category").GetString());
        Assert.True(first.GetProperty("corrected").GetBoolean());

        using var zip = new ZipArchive(await client.GetStreamAsync($"/jobs/{job.Id}/transcripts.zip"), ZipArchiveMode.Read);
        var entry = zip.Entries.Single(e => e.FullName.StartsWith("Travel/", StringComparison.Ordinal) && e.FullName.Contains("Pasta", StringComparison.Ordinal));
        using var reader = new StreamReader(entry.Open());
        Assert.Contains("- Category: Travel (chosen by you)", await reader.ReadToEndAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACorrectionWinsInALaterJobOfTheSameSetButNotInAnotherSessionOrSet()
    {
        var first = await CorrectableJobAsync();
        using var client = fixture.App.CreateSessionClient(_session);
        (await client.PatchAsJsonAsync($"/api/jobs/{first.Id}/conversations/0", new { category = "Travel" })).Dispose();

        var later = await CorrectableJobAsync();
        var otherSet = await CorrectableJobAsync(setId: "another");
        var stranger = Guid.NewGuid().ToString("N");
        var strangers = await CorrectableJobAsync(session: stranger);

        Assert.Equal("Travel", await CategoryOfAsync(client, later.Id, 0));
        Assert.Equal("Cooking", await CategoryOfAsync(client, otherSet.Id, 0));
        using var strangerClient = fixture.App.CreateSessionClient(stranger);
        Assert.Equal("Cooking", await CategoryOfAsync(strangerClient, strangers.Id, 0));
    }

    private static async Task<string?> CategoryOfAsync(HttpClient client, string jobId, int index) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/conversations/{index}")).GetProperty("summary").GetProperty("category").GetString();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(title, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.OrdinalIgnoreCase);
        }
    }

    // A done topic job with the set "Mine" (Cooking, Travel, 旅行): two about cooking, one about travel, one failed.
    private async Task<Job> CorrectableJobAsync(string? session = null, string setId = "mine")
    {
        var set = new CategorySetView(setId, "Mine", IsBuiltIn: false, AllowNewCategories: false,
            [new("Cooking", null, []), new("Travel", null, []), new("旅行", null, [])], null, null);
        var job = new Job
        {
            Id = Web.Jobs.JobService.NewJobId(), OwnerId = session ?? _session, Mode = JobMode.Topic, Status = JobStatus.Done,
            FileName = "conversations.json", Read = 4, Total = 4, Categorized = 3, Failed = 1,
            CreatedAt = DateTime.UtcNow, StartedAt = DateTime.UtcNow, FinishedAt = DateTime.UtcNow,
            CategorySetId = set.Id, CategorySetName = set.Name, CategorySetJson = CategorySetService.Snapshot(set),
        };
        await fixture.App.AddAsync(job);
        await fixture.App.StoreAsync(job.Id, 0, PageSeed.Chat("a", "Pasta for four"), "Cooking", created: new DateTime(2024, 1, 15, 12, 0, 0, DateTimeKind.Utc));
        await fixture.App.StoreAsync(job.Id, 1, PageSeed.Chat("b", "Sourdough starter"), "Cooking", created: new DateTime(2024, 3, 2, 12, 0, 0, DateTimeKind.Utc));
        await fixture.App.StoreAsync(job.Id, 2, PageSeed.Chat("c", "A week in Rome"), "Travel", created: new DateTime(2024, 3, 20, 12, 0, 0, DateTimeKind.Utc));
        await fixture.App.StoreAsync(job.Id, 3, PageSeed.Chat("d", "오사카 여행"), failure: "The model left it out three times.", created: new DateTime(2025, 2, 1, 12, 0, 0, DateTimeKind.Utc));
        return job;
    }

    private static List<(string, string)> Counts(string html) =>
        [.. GroupCount().Matches(html).Select(m => (WebUtility.HtmlDecode(m.Groups[1].Value), m.Groups[2].Value))];

    [GeneratedRegex("<span class=\"label\">([^<]+)</span>\\s*<span class=\"count\"><span data-count>([^<]+)</span>")]
    private static partial Regex GroupCount();
}
