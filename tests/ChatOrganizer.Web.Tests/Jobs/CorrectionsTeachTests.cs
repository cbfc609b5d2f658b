using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

// What a person corrected in one job teaches the next job of the same set: the run gets the corrections as labelled
// examples (CategorizationRun.Examples), which the model sees in its instructions. Whole jobs, the fake model on loopback.
// The offline categorizer reads the same examples as neighbours (Core's OfflineCategorizerTests).
public sealed class CorrectionsTeachTests : IAsyncLifetime
{
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
