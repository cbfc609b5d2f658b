using System.Text;
using System.Text.RegularExpressions;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.Pages;

// A 300-message conversation (75 rounds with reasoning): an outline to jump by, one reasoning control per answer, a light page.
public sealed partial class LongConversationPageTests(ChatOrganizerAppFixture fixture, ITestOutputHelper output) : IClassFixture<ChatOrganizerAppFixture>
{
    // Before issue 13 this page was 243,380 bytes with 150 reasoning boxes (bench viewer-size, README "Benchmarks"); with
    // the reasoning's text fetched when opened it is about 172,000, the questions and answers themselves.
    private const int MostBytes = 200_000;

    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ALongConversationStaysLightWithAnOutlineAndOneReasoningControlPerAnswer()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.StoreAsync(job.Id, 0, SampleConversations.LongKoreanStudy());
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/conversations/0");
        var bytes = Encoding.UTF8.GetByteCount(html);
        output.WriteLine($"300-message conversation page: {bytes:N0} bytes");

        Assert.True(bytes < MostBytes, $"The page is {bytes:N0} bytes.");
        Assert.Equal(75, OutlineLinks().Matches(html).Count);
        Assert.Contains("href=\"#m-long-m296\"", html, StringComparison.Ordinal); // the last question
        Assert.Equal(75, Regex.Count(html, "<details class=\"thoughts\""));
        Assert.Contains("<summary>Thought for 4 seconds</summary>", html, StringComparison.Ordinal);
        Assert.Contains("<strong>콜옵션(Call Option)</strong>에", html, StringComparison.Ordinal);
        Assert.DoesNotContain("만기 손익을 묻고 있다", html, StringComparison.Ordinal); // the reasoning's text is fetched on demand
    }

    [Fact]
    public async Task AnAnswersReasoningIsServedOnItsOwnToTheOwnersSessionOnly()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.StoreAsync(job.Id, 0, SampleConversations.LongKoreanStudy());
        using var owner = fixture.App.CreateSessionClient(_session);
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var link = $"/jobs/{job.Id}/conversations/0/reasoning?node=long-m297";

        var viewer = await owner.PageAsync($"/jobs/{job.Id}/conversations/0");
        var reasoning = await owner.PageAsync(link);
        using var strangers = await stranger.GetAsync(new Uri(link, UriKind.Relative));
        using var notReasoning = await owner.GetAsync(new Uri($"/jobs/{job.Id}/conversations/0/reasoning?node=long-m296", UriKind.Relative));

        Assert.Contains($"<details class=\"thoughts\" data-reasoning=\"{link}\">", viewer, StringComparison.Ordinal);
        Assert.Contains("사용자가 행사가격 175의 만기 손익을 묻고 있다.", reasoning, StringComparison.Ordinal);
        Assert.Contains("<h1>Thought for 28 seconds <span class=\"muted\">· the answer's reasoning</span></h1>", reasoning, StringComparison.Ordinal);
        Assert.Contains($"href=\"/jobs/{job.Id}/conversations/0#m-long-m297\"", reasoning, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, strangers.StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, notReasoning.StatusCode); // a question is no reasoning
    }

    [GeneratedRegex("<li><a href=\"#m-long-m\\d+\">")]
    private static partial Regex OutlineLinks();
}
