using System.Text.RegularExpressions;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

// "Similar conversations" in the viewer: the nearest by meaning, from the same job of the same session only.
public sealed partial class SimilarConversationsTests : IAsyncLifetime
{
    // A bound for a machine shared by many builds, not a measure of speed.
    private static readonly TimeSpan Patiently = TimeSpan.FromMinutes(3);

    private readonly ChatOrganizerApp _app = new ChatOrganizerApp()
        .With("Categorization:ApiKey", "")
        .With("Categorization:BaseUrl", "https://api.openai.com/v1")
        .With("RateLimits:Polling:PermitLimit", "100000")
        .With("RateLimits:Polling:AddressPermitLimit", "100000");

    [Fact]
    public async Task TheViewerListsTheClosestConversationsOfTheSameJobAndNeverAnotherSessions()
    {
        using var mine = _app.CreateClient();
        using var theirs = _app.CreateClient();
        // The same export in another session, and a second job of my own: both hold conversations just as close.
        var other = await theirs.UploadAsync(TopicalExport.Json(), "month");
        var job = await mine.UploadAsync(TopicalExport.Json(), "month");
        var second = await mine.UploadAsync(TopicalExport.Json(), "year");
        foreach (var (client, id) in new[] { (theirs, other.Id), (mine, job.Id), (mine, second.Id) }) await client.WaitUntilEndedAsync(id, Patiently);

        var page = await mine.PageAsync($"/jobs/{job.Id}/conversations/0");
        var similar = Similar().Match(page);

        Assert.True(similar.Success, "The viewer shows no similar conversations.");
        var links = Link().Matches(similar.Value).Select(m => (Job: m.Groups["job"].Value, Index: int.Parse(m.Groups["index"].Value))).ToList();
        Assert.Equal(5, links.Count);
        Assert.All(links, l => Assert.Equal(job.Id, l.Job));
        Assert.DoesNotContain(other.Id, similar.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(second.Id, similar.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(links, l => l.Index == 0);
        // Conversation 0 is about bread: its closest are the other bread conversations.
        Assert.All(links.Take(3), l => Assert.Equal("bread", TopicalExport.SubjectOf(l.Index)));
    }

    [Fact]
    public async Task AConversationOfAJobWithNoStoredVectorsShowsNoSimilarList()
    {
        using var client = _app.CreateSessionClient("session-without-vectors");
        var job = await _app.DoneTopicJobAsync("session-without-vectors");

        var page = await client.PageAsync($"/jobs/{job.Id}/conversations/0");

        Assert.Contains("Pasta for four", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Similar conversations", page, StringComparison.Ordinal);
    }

    public Task InitializeAsync() => OfflineReady.WarmAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex("<aside class=\"panel similar\".*?</aside>", RegexOptions.Singleline)]
    private static partial Regex Similar();

    [GeneratedRegex("href=\"/jobs/(?<job>[^/\"]+)/conversations/(?<index>\\d+)\"")]
    private static partial Regex Link();
}
