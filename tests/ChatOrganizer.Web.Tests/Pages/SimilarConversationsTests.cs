using System.Text.RegularExpressions;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Pages;

// "Similar conversations" in the viewer: the nearest by meaning, from the same job of the same session only.
public sealed partial class SimilarConversationsTests : IAsyncLifetime
{
    // A bound for a machine shared by many builds, not a measure of speed.
    private static readonly TimeSpan Patiently = TimeSpan.FromMinutes(3);

    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().Offline();

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
    public async Task AConversationWithNoRelativeInItsJobListsNone()
    {
        using var client = _app.CreateClient();
        var job = await client.UploadAsync(TopicalExport.Json(("전세 계약 갱신", "전세 계약 갱신할 때 집주인이 보증금을 올리면 어떻게 하나요?", "계약갱신청구권을 쓰면 5%까지만 올릴 수 있습니다.")), "month");
        await client.WaitUntilEndedAsync(job.Id, Patiently);

        var odd = Similar().Match(await client.PageAsync($"/jobs/{job.Id}/conversations/18"));
        var bread = Similar().Match(await client.PageAsync($"/jobs/{job.Id}/conversations/0"));

        Assert.True(odd.Success, "The viewer says nothing about similar conversations.");
        Assert.Empty(Link().Matches(odd.Value));
        Assert.Contains("No conversation of this job is close to this one", odd.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(Link().Matches(bread.Value), m => m.Groups["index"].Value == "18");
    }

    [Fact]
    public async Task AJobReadBeforeItsVectorsCouldBeMadeGetsThemOnceItHasEnded()
    {
        // As a server with an API key reads a job before it has the token vectors: conversations stored, no vectors.
        using var client = _app.CreateSessionClient("session-without-vectors");
        var job = await _app.DoneTopicJobAsync("session-without-vectors");

        var first = await client.PageAsync($"/jobs/{job.Id}/conversations/0");
        var later = await Eventually.MatchesAsync(() => client.PageAsync($"/jobs/{job.Id}/conversations/0"),
            page => !page.Contains("Being found for this job", StringComparison.Ordinal), Patiently, _ => "the similar conversations being found");

        Assert.Contains("Pasta for four", first, StringComparison.Ordinal);
        Assert.Contains("Being found for this job", Similar().Match(first).Value, StringComparison.Ordinal);
        var similar = Similar().Match(later);
        Assert.True(similar.Success, "The viewer shows no similar conversations once they were made.");
        Assert.All(Link().Matches(similar.Value), m => Assert.Equal(job.Id, m.Groups["job"].Value));
        await using var db = _app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        Assert.Equal(4, await db.Vectors.CountAsync(v => v.JobId == job.Id));
    }

    public Task InitializeAsync() => OfflineReady.WarmAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [GeneratedRegex("<aside class=\"panel similar\".*?</aside>", RegexOptions.Singleline)]
    private static partial Regex Similar();

    [GeneratedRegex("href=\"/jobs/(?<job>[^/\"]+)/conversations/(?<index>\\d+)\"")]
    private static partial Regex Link();
}
