using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

/// <summary>
/// What a person corrected in one job teaches the next job of the same set: the model sees a few corrected conversations
/// in its instructions, the offline categorizer reads them as labelled neighbours. Whole jobs, the fake model on loopback.
/// </summary>
public sealed class CorrectionsTeachTests : IAsyncLifetime
{
    private static readonly TimeSpan Slowly = TimeSpan.FromMinutes(4);
    private readonly List<ChatOrganizerApp> _apps = [];
    private FakeOpenAiServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task TheNextModelRunOfTheSetShowsTheCorrectedConversationAsAnExampleAtNoExtraRequest()
    {
        using var client = Start(serverKey: "sk-server").CreateClient();
        var set = await client.CreateCategorySetAsync("Cooking", "Travel", "Music", "Other");
        var first = await client.UploadAsync(ExportJson.AboutTopics(6, "Cooking", "Travel", "Music"), "topic", set);
        await client.WaitUntilEndedAsync(first.Id);
        using (var corrected = await client.PatchAsJsonAsync($"/api/jobs/{first.Id}/conversations/0", new { category = "Music" }))
        {
            Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
        }
        var before = _fake.ReceivedRequests.Count;

        var later = Encoding.UTF8.GetBytes(ExportJson.Array(
            [.. Enumerable.Range(0, 10).Select(i => ExportJson.Conversation($"later-{i}", $"노래 {i} about Music", "Tell me about Music, please."))]));
        var second = await client.UploadAsync(later, "topic", set);
        var done = await client.WaitUntilEndedAsync(second.Id);

        var requests = _fake.ReceivedRequests.Skip(before).ToList();
        Assert.Equal((JobStatus.Done, 10), (done.Status, done.Categorized));
        Assert.Equal(2, requests.Count); // ten conversations in batches of five, as without examples
        Assert.All(requests, r => Assert.Contains("{\"title\":\"Question 0 about Cooking\",\"text\":", r.SystemMessage, StringComparison.Ordinal));
        Assert.All(requests, r => Assert.Contains("\"category\":\"Music\"}", r.SystemMessage, StringComparison.Ordinal));
        Assert.Equal(requests.Sum(r => (long)r.PromptTokens), done.InputTokens);
    }

    [Fact]
    public async Task TheOfflineCategorizerFilesAConversationLikeACorrectedOneWhereThePersonDid()
    {
        using var client = Start(serverKey: null).With("Categorization:BaseUrl", "https://api.openai.com/v1").CreateClient();
        var set = await client.CreateCategorySetAsync("Work", "Home", "Other");
        var first = await client.UploadAsync(Export(("starter-1", "Starter not rising", "sourdough starter smells of acetone and does not rise after feeding")), "topic", set);
        // Offline: the first job of a machine distils the token vectors first, slow on a busy one.
        await client.WaitUntilEndedAsync(first.Id, Slowly);
        (await client.PatchAsJsonAsync($"/api/jobs/{first.Id}/conversations/0", new { category = "Work" })).Dispose();

        var export = Export(("starter-2", "Sourdough starter", "My sourdough starter smells like acetone after feeding, is it dead?"));
        var withCorrection = await client.UploadAsync(export, "topic", set);
        var taught = await client.WaitUntilEndedAsync(withCorrection.Id, Slowly);
        Assert.True(taught.Status == JobStatus.Done, string.Join("\n", (await client.LogAsync(withCorrection.Id)).Entries.Select(e => e.Message)));
        using var stranger = _apps[0].CreateClient();
        var strangersSet = await stranger.CreateCategorySetAsync("Work", "Home", "Other");
        var without = await stranger.UploadAsync(export, "topic", strangersSet);
        await stranger.WaitUntilEndedAsync(without.Id, Slowly);

        var learned = Assert.Single((await client.ResultsAsync(withCorrection.Id)).Groups.SelectMany(g => g.Conversations));
        var untaught = Assert.Single((await stranger.ResultsAsync(without.Id)).Groups.SelectMany(g => g.Conversations));
        Assert.Equal("Work", learned.Category);
        Assert.False(learned.Corrected);
        Assert.Contains("which you filed there", learned.Reason, StringComparison.Ordinal);
        Assert.NotEqual("Work", untaught.Category);
    }

    private static byte[] Export(params (string Id, string Title, string Question)[] conversations) =>
        Encoding.UTF8.GetBytes(ExportJson.Array([.. conversations.Select(c => ExportJson.Conversation(c.Id, c.Title, c.Question, "Let us see."))]));

    private ChatOrganizerApp Start(string? serverKey)
    {
        var app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", serverKey ?? "")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            .With("Categorization:MaxConcurrency", "2");
        _apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await _fake.DisposeAsync();
    }
}
