using System.Text;
using System.Text.RegularExpressions;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.Pages;

/// <summary>A 300-message conversation (75 rounds with reasoning): an outline to jump by, one reasoning control per answer, a light page.</summary>
public sealed partial class LongConversationPageTests(ChatOrganizerAppFixture fixture, ITestOutputHelper output) : IClassFixture<ChatOrganizerAppFixture>
{
    /// <summary>Before issue 13 this page was 245,879 bytes; it is 224,649 now.</summary>
    private const int MostBytes = 700_000;

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
    }

    [GeneratedRegex("<li><a href=\"#m-long-m\\d+\">")]
    private static partial Regex OutlineLinks();
}
