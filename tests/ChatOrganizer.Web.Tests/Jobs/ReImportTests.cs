using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Pages;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

// A newer export of the same history (the same conversation ids), uploaded again: what the session had already is
// said, kept and not sent again, against the fake model on loopback counting what it is asked.
public sealed class ReImportTests : IAsyncLifetime
{
    private static readonly string[] Topics = ["Cooking", "Travel", "Music"];
    private FakeOpenAiServer _fake = null!;
    private ChatOrganizerApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        _app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", "sk-server")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            .With("Jobs:WorkItemSize", "10")
            .With("RateLimits:Polling:PermitLimit", "100000")
            .With("RateLimits:Polling:AddressPermitLimit", "100000");
    }

    public async Task DisposeAsync()
    {
        _app.Dispose();
        await _fake.DisposeAsync();
    }

    // As ExportJson.AboutTopics writes them; a changed one has a new answer and a later update_time, as ChatGPT exports it.
    private static JsonObject Conversation(int i, bool changed = false)
    {
        var topic = Topics[i % Topics.Length];
        var created = new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.Zero).AddMonths(i % 24).AddMinutes(i);
        var conversation = ExportJson.Conversation($"conv-{i:D5}", $"Question {i} about {topic}", $"Tell me about {topic}, please.",
            changed ? $"Here is more about {topic}, since you asked again." : $"Here is what I know about {topic}.", created);
        if (changed) conversation["update_time"] = conversation["update_time"]!.GetValue<double>() + 86_400;
        return conversation;
    }

    private static int Occurrences(string html, string text) => (html.Length - html.Replace(text, "", StringComparison.Ordinal).Length) / text.Length;

    private static byte[] Export(IEnumerable<JsonObject> conversations) => System.Text.Encoding.UTF8.GetBytes(ExportJson.Array([.. conversations]));

    private async Task ForgetTheCacheAsync()
    {
        // The model answers' cache would also spare those requests; emptied, only the reuse of earlier results can.
        await using var db = _app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        await db.CategorizationCache.ExecuteDeleteAsync();
    }

    [Fact]
    public async Task ANewerExportSendsOnlyItsNewAndChangedConversationsSaysSoAndKeepsTheRestAfterTheOldJobIsDeleted()
    {
        var session = Guid.NewGuid().ToString("N");
        using var client = _app.CreateSessionClient(session);
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);
        var first = await client.WaitUntilEndedAsync((await client.UploadAsync(Export(Enumerable.Range(0, 18).Select(i => Conversation(i))), "topic", set)).Id);
        Assert.Equal((JobStatus.Done, 18), (first.Status, first.Categorized));
        Assert.Null(first.ReImport);
        await ForgetTheCacheAsync();
        var askedBefore = _fake.ReceivedRequests.Count;

        // 15 as they were, 3 changed since, 4 new.
        var newer = Export(Enumerable.Range(0, 18).Select(i => Conversation(i, changed: i >= 15)).Concat(Enumerable.Range(18, 4).Select(i => Conversation(i))));
        var second = await client.WaitUntilEndedAsync((await client.UploadAsync(newer, "topic", set)).Id);

        Assert.Equal((JobStatus.Done, 22, 0), (second.Status, second.Categorized, second.Failed));
        Assert.Equal(new Web.Jobs.ReImport(Known: 15, New: 4, Changed: 3, Reused: 15), second.ReImport);
        var sent = _fake.ReceivedRequests.Skip(askedBefore).SelectMany(r => r.Conversations).Select(c => c.Title).Order(StringComparer.Ordinal);
        Assert.Equal(Enumerable.Range(15, 7).Select(i => $"Question {i} about {Topics[i % 3]}").Order(StringComparer.Ordinal), sent);
        Assert.Equal(_fake.ReceivedRequests.Count - askedBefore, second.Requests);

        var jobPage = await client.PageAsync($"/jobs/{second.Id}");
        Assert.Contains("15 conversations you already had, 4 new, 3 changed since.", jobPage, StringComparison.Ordinal);
        Assert.Contains("15 keep their earlier category with <span data-field=\"reused-requests\">0</span> model requests", jobPage, StringComparison.Ordinal);
        var newOnly = await client.PageAsync($"/jobs/{second.Id}/results?only=new");
        Assert.Equal(4, Occurrences(newOnly, "title=\"Not in your earlier uploads\">new<"));
        Assert.Equal(3, Occurrences(newOnly, "title=\"Changed since your earlier upload\">changed<"));
        Assert.DoesNotContain("Question 0 about", newOnly, StringComparison.Ordinal);

        using (var deleted = await client.DeleteAsync(new Uri($"/api/jobs/{first.Id}", UriKind.Relative))) deleted.EnsureSuccessStatusCode();
        var results = await client.ResultsAsync(second.Id);
        var all = results.Groups.SelectMany(g => g.Conversations).ToList();
        Assert.Equal(22, all.Count);
        Assert.All(all, c => Assert.EndsWith($"about {c.Category}", c.Title, StringComparison.Ordinal));
        Assert.Equal(15, all.Count(c => c.Reused));
        Assert.Equal(Enumerable.Range(0, 15), all.Where(c => c.Reused).Select(c => c.Index).Order());
    }

    [Fact]
    public async Task ACorrectionOutlivesTheJobItWasMadeInAndWinsInTheNextUploadAsAPersonsChoice()
    {
        using var client = _app.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);
        var export = Export(Enumerable.Range(0, 6).Select(i => Conversation(i)));
        var first = await client.WaitUntilEndedAsync((await client.UploadAsync(export, "topic", set)).Id);
        Assert.Equal("Cooking", (await client.ResultsAsync(first.Id)).Groups.SelectMany(g => g.Conversations).Single(c => c.Index == 0).Category);
        using (var moved = await client.PatchAsJsonAsync(new Uri($"/api/jobs/{first.Id}/conversations/0", UriKind.Relative), new { category = "Music" })) moved.EnsureSuccessStatusCode();
        using (var deleted = await client.DeleteAsync(new Uri($"/api/jobs/{first.Id}", UriKind.Relative))) deleted.EnsureSuccessStatusCode();
        await ForgetTheCacheAsync();

        // The same export again, and a newer one where the corrected conversation changed: the person's choice wins in both.
        var again = await client.WaitUntilEndedAsync((await client.UploadAsync(export, "topic", set)).Id);
        var changed = await client.WaitUntilEndedAsync((await client.UploadAsync(Export(Enumerable.Range(0, 6).Select(i => Conversation(i, changed: i == 0))), "topic", set)).Id);

        foreach (var job in new[] { again, changed })
        {
            var corrected = (await client.ResultsAsync(job.Id)).Groups.SelectMany(g => g.Conversations).Single(c => c.Index == 0);
            Assert.Equal(("Music", true, "Cooking"), (corrected.Category, corrected.Corrected, corrected.EngineCategory));
            var viewer = await client.PageAsync($"/jobs/{job.Id}/conversations/0");
            Assert.Contains("data-chosen>chosen by you<", viewer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AnotherCategorySetKeepsNoEarlierCategoryButStillSaysWhatIsNew()
    {
        using var client = _app.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);
        var other = await client.CreateCategorySetAsync([.. Topics, "Misc"]);
        await client.WaitUntilEndedAsync((await client.UploadAsync(Export(Enumerable.Range(0, 6).Select(i => Conversation(i))), "topic", set)).Id);
        await ForgetTheCacheAsync();
        var askedBefore = _fake.ReceivedRequests.Count;

        var second = await client.WaitUntilEndedAsync((await client.UploadAsync(Export(Enumerable.Range(0, 7).Select(i => Conversation(i))), "topic", other)).Id);

        Assert.Equal(new Web.Jobs.ReImport(Known: 6, New: 1, Changed: 0, Reused: 0), second.ReImport);
        Assert.Equal(7, _fake.ReceivedRequests.Skip(askedBefore).SelectMany(r => r.Conversations).Count());
        Assert.Contains("None of the earlier categories could be kept", await client.PageAsync($"/jobs/{second.Id}"), StringComparison.Ordinal);
    }
}
