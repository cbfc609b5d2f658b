using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed partial class ResultsPageTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheTopicViewListsCategoriesLargestFirstEachExpandableToItsConversations()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results");

        Assert.Equal(["Cooking", "Travel"], GroupLabels().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("<a href=\"/jobs/" + job.Id + "/results?view=topic\" aria-current=\"page\">By topic</a>", html, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/jobs/{job.Id}/conversations/1?view=topic\">Sourdough starter</a>", html, StringComparison.Ordinal);
        Assert.Contains("2 messages", html, StringComparison.Ordinal);
        Assert.DoesNotContain("badge engine", html, StringComparison.Ordinal); // how it was filed is no badge on every row
        Assert.Contains("· Newest first", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMonthJobStillPreparingSaysHowFarItIsAndItsRowsShowAlready()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month, change: j => { j.Read = 2; j.Prepared = 1; });
        await fixture.App.AddAsync(
            new StoredConversation { JobId = job.Id, Index = 0, ConversationId = "a", Title = "서울 여행", MessageCount = 2, CreateTime = new DateTime(2025, 3, 1, 0, 0, 0, DateTimeKind.Utc) },
            new StoredConversation { JobId = job.Id, Index = 1, ConversationId = "b", Title = "Bread", MessageCount = 2, CreateTime = new DateTime(2025, 4, 1, 0, 0, 0, DateTimeKind.Utc) });
        using var client = fixture.App.CreateSessionClient(_session);

        var preparing = await client.PageAsync($"/jobs/{job.Id}/results?view=month");
        await using (var db = fixture.App.Db())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 2));
        }
        var prepared = await client.PageAsync($"/jobs/{job.Id}/results?view=month");

        Assert.Contains("Preparing the transcripts and search: <span data-prepared>1</span> of 2 conversations so far.", preparing, StringComparison.Ordinal);
        Assert.Contains("서울 여행", preparing, StringComparison.Ordinal);
        Assert.Contains("Bread", preparing, StringComparison.Ordinal);
        Assert.DoesNotContain("Preparing the transcripts", prepared, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOfflineResultShowsWhyItWasFiledThereInTheRowAndTheViewer()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, change: j => { j.Read = 1; j.Total = 1; j.Categorized = 1; });
        await fixture.App.AddAsync(
            new StoredConversation { JobId = job.Id, Index = 0, ConversationId = "k", Title = "오사카 여행", MessageCount = 2 },
            new ConversationTranscript { JobId = job.Id, Index = 0, Content = Results.TranscriptDocument.From(PageSeed.Chat("k", "오사카 여행")).Compress() },
            new ConversationResult
            {
                JobId = job.Id, Index = 0, Category = "Travel", Status = global::ChatOrganizer.Categorization.CategorizationStatus.Categorized,
                Engine = global::ChatOrganizer.Categorization.CategorizationEngine.Offline, Confidence = 0.87, Reason = "closest to Travel (0.62); words: 여행, 비자, Osaka",
                At = DateTime.UtcNow,
            });
        using var client = fixture.App.CreateSessionClient(_session);

        var results = await client.PageAsync($"/jobs/{job.Id}/results");
        var viewer = await client.PageAsync($"/jobs/{job.Id}/conversations/0");

        Assert.Contains("<details class=\"why\"><summary>Why here?</summary>closest to Travel (0.62); words: 여행, 비자, Osaka · 87% sure</details>", results, StringComparison.Ordinal);
        Assert.Contains("<strong>Why Travel:</strong> closest to Travel (0.62); words: 여행, 비자, Osaka · 87% sure", viewer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonthAndYearTabsShowPeriodsWithTheirCategoriesInside()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var months = await client.PageAsync($"/jobs/{job.Id}/results?view=month");
        var years = await client.PageAsync($"/jobs/{job.Id}/results?view=year");

        Assert.Equal(["February 2025", "March 2024", "January 2024"], GroupLabels().Matches(months).Select(m => m.Groups[1].Value));
        Assert.Contains("<span class=\"badge\">Travel <span class=\"num\">1</span></span>", months, StringComparison.Ordinal);
        Assert.Equal(["2025", "2024"], GroupLabels().Matches(years).Select(m => m.Groups[1].Value));
        Assert.Contains("aria-current=\"page\">By year</a>", years, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALargeGroupIsPagedAHundredAtATimeNewestFirst()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done);
        for (var i = 0; i < Models.ResultsPage.RowsPerGroup + 5; i++)
        {
            await fixture.App.StoreAsync(job.Id, i, PageSeed.Chat($"r{i}", $"Recipe {i}"), "Cooking", created: new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i));
        }
        using var client = fixture.App.CreateSessionClient(_session);

        var first = await client.PageAsync($"/jobs/{job.Id}/results");
        var second = await client.PageAsync($"/jobs/{job.Id}/results?view=topic&group=Cooking&page=2");

        Assert.Equal(Models.ResultsPage.RowsPerGroup, ConversationLinks().Matches(first).Count);
        Assert.Equal("Recipe 104", Titles(first)[0]); // the newest, although the export listed it last
        Assert.Contains("<span>1–100 of 105</span>", first, StringComparison.Ordinal);
        Assert.Contains($"<a href=\"/jobs/{job.Id}/results?view=topic&amp;group=Cooking&amp;page=2#group-0\" rel=\"next\">Older ›</a>", first, StringComparison.Ordinal);
        Assert.Equal(["Recipe 4", "Recipe 3", "Recipe 2", "Recipe 1", "Recipe 0"], Titles(second));
        Assert.Contains("<span>101–105 of 105</span>", second, StringComparison.Ordinal);
        Assert.Contains("rel=\"prev\">‹ Newer</a>", second, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFilterSearchesEveryTitleOfTheJobNotOnlyTheFirstPage()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done);
        for (var i = 0; i < Models.ResultsPage.RowsPerGroup + 5; i++)
        {
            await fixture.App.StoreAsync(job.Id, i, PageSeed.Chat($"f{i}", i == 0 ? "오래된 김치 레시피" : $"Recipe {i}"), "Cooking", created: new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours(i));
        }
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results?view=topic&q={Uri.EscapeDataString("김치")}");

        Assert.Equal(["오래된 김치 레시피"], Titles(html));
        Assert.Contains("1 conversation matches “김치”", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachRowSaysWhatTheConversationIsAboutInOneLine()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.AddAsync(
            new StoredConversation { JobId = job.Id, Index = 0, Title = "Trip", MessageCount = 2, Snippet = "다음 달 오사카 여행 일정을 짜 줘" },
            new ConversationTranscript { JobId = job.Id, Index = 0, Content = Results.TranscriptDocument.From(PageSeed.Chat("s", "Trip")).Compress() });
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results");

        Assert.Contains("<span class=\"snippet\">다음 달 오사카 여행 일정을 짜 줘</span>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheChartNamesItsRemainderSoItIsNotTakenForACategoryCalledOther()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done);
        string[] categories = ["Other", "A", "B", "C", "D", "E", "F", "G", "H", "I"];
        for (var i = 0; i < categories.Length; i++)
        {
            await fixture.App.StoreAsync(job.Id, i, PageSeed.Chat($"o{i}", $"Chat {i}"), categories[i], created: new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc));
        }
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results");

        Assert.Contains("3 smaller categories</li>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Other categories", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TopicByMonthShowsEachCategorysShareOfEveryMonth()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results/topics-by-month");

        Assert.Contains("aria-current=\"page\">Topic by month</a>", html, StringComparison.Ordinal);
        var march = html[html.IndexOf("<th scope=\"row\">March 2024</th>", StringComparison.Ordinal)..];
        march = march[..march.IndexOf("</tr>", StringComparison.Ordinal)];
        Assert.Contains("<title>Cooking: 50%</title>", march, StringComparison.Ordinal);
        Assert.Contains("<title>Travel: 50%</title>", march, StringComparison.Ordinal);
        Assert.DoesNotContain("<th scope=\"row\">February 2024</th>", html, StringComparison.Ordinal); // a month with none has no shares
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
    }

    private static List<string> Titles(string html) =>
        [.. Regex.Matches(html, "<a href=\"/jobs/[^/]+/conversations/\\d+[^\"]*\">([^<]*)</a>").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups[1].Value))];

    [GeneratedRegex("<a href=\"/jobs/[^/]+/conversations/\\d+\\?view=")]
    private static partial Regex ConversationLinks();

    [Fact]
    public async Task AJobGroupedByMonthHasNoTopicTab()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.StoreAsync(job.Id, 0, PageSeed.Chat("m", "Only one"), created: new DateTime(2024, 5, 1, 0, 0, 0, DateTimeKind.Utc));
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results?view=topic");

        Assert.DoesNotContain("By topic", html, StringComparison.Ordinal);
        Assert.Contains("aria-current=\"page\">By month</a>", html, StringComparison.Ordinal);
        Assert.Contains("May 2024", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheChartStacksCategoriesWithAPatternEachALegendTitlesAndADataTable()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results");

        Assert.Contains("<svg viewBox=\"0 0 760 280\"", html, StringComparison.Ordinal);
        Assert.Contains("role=\"img\"", html, StringComparison.Ordinal);
        Assert.Contains("<pattern id=\"chart-p1\"", html, StringComparison.Ordinal);
        Assert.Contains("fill=\"url(#chart-p0)\"", html, StringComparison.Ordinal);
        Assert.Contains("fill=\"url(#chart-p1)\"", html, StringComparison.Ordinal);
        Assert.Contains("<title>March 2024 · Travel: 1</title>", html, StringComparison.Ordinal);
        Assert.Contains("Not categorized</li>", html, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">February 2024</th>", html, StringComparison.Ordinal); // a month with none is still a row
        Assert.Contains("The chart's numbers as a table", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutScriptTheFilterNarrowsTheGroupsByTitleOnTheServer()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results?view=topic&q=SOURDOUGH");

        Assert.Equal(["Cooking"], GroupLabels().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("Sourdough starter", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Pasta for four", html, StringComparison.Ordinal);
        Assert.Contains("1 conversation matches “SOURDOUGH”", html, StringComparison.Ordinal);
        Assert.Contains("value=\"SOURDOUGH\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailedConversationsAreListedApartWithTheirReasons()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}/results");

        var failed = html[html.IndexOf("id=\"failed-heading\"", StringComparison.Ordinal)..];
        Assert.Contains("=HYPERLINK(&quot;http://evil.example&quot;)", failed, StringComparison.Ordinal);
        Assert.Contains("The model left it out three times.", failed, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("topic")]
    [InlineData("month")]
    [InlineData("year")]
    public async Task AHostileTitleIsEncodedInEveryView(string view)
    {
        var job = await fixture.App.DoneTopicJobAsync(_session, hostileTitle: PageSeed.Hostile);
        using var client = fixture.App.CreateSessionClient(_session);

        HtmlAssert.Encoded(PageSeed.Hostile, await client.PageAsync($"/jobs/{job.Id}/results?view={view}"));
    }

    [GeneratedRegex("<span class=\"label\">([^<]*)</span>")]
    private static partial Regex GroupLabels();
}
