using System.Net;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class JobPageTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task ARunningJobShowsItsStepProgressCountsLogAndCancel()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Categorizing, change: j =>
        {
            j.Read = 40;
            j.Total = 40;
            j.Categorized = 10;
            j.Requests = 3;
            j.CategorizingStartedAt = DateTime.UtcNow.AddSeconds(-30);
        });
        await fixture.App.AddAsync(Log(job.Id, JobLogLevel.Info, "Read 40 conversations."), Log(job.Id, JobLogLevel.Warning, "A request failed; retrying."));
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}");

        Assert.Contains("Step 2 of 2: categorizing", html, StringComparison.Ordinal);
        Assert.Contains("<progress class=\"native\" id=\"job-bar\" max=\"100\" value=\"25\"", html, StringComparison.Ordinal);
        Assert.Contains("data-field=\"categorized\">10<", html, StringComparison.Ordinal);
        Assert.Contains("Read 40 conversations.", html, StringComparison.Ordinal);
        Assert.Contains("class=\"level-warning\"", html, StringComparison.Ordinal);
        Assert.Contains($"action=\"/jobs/{job.Id}/cancel\"", html, StringComparison.Ordinal);
        Assert.Contains("aria-live=\"polite\"", html, StringComparison.Ordinal);
        Assert.Contains("/js/job.js", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutScriptARunningJobsPageRefreshesItselfAndAnEndedOneDoesNot()
    {
        var running = await fixture.App.JobAsync(_session, JobStatus.Reading);
        var done = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month, j => j.Read = 1);
        using var client = fixture.App.CreateSessionClient(_session);

        var runningHtml = await client.PageAsync($"/jobs/{running.Id}");
        var doneHtml = await client.PageAsync($"/jobs/{done.Id}");

        Assert.Contains("<noscript><meta http-equiv=\"refresh\" content=\"10\"></noscript>", runningHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", doneHtml, StringComparison.Ordinal);
        Assert.Contains($"/jobs/{done.Id}/results", doneHtml, StringComparison.Ordinal);
        Assert.Contains($"/jobs/{done.Id}/download.csv", doneHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFailedJobSaysWhyWhichConversationsAndWhatToDo()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session, hostileTitle: PageSeed.Hostile);
        await using (var db = fixture.App.Db())
        {
            var stored = await db.Jobs.FindAsync(job.Id);
            stored!.Status = JobStatus.Failed;
            stored.FailureReason = "The API key was refused <b>(401)</b>.";
            await db.SaveChangesAsync();
        }
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}");

        Assert.Contains("The API key was refused &lt;b&gt;(401)&lt;/b&gt;.", html, StringComparison.Ordinal);
        Assert.Contains("What you can do", html, StringComparison.Ordinal);
        Assert.Contains("1 conversation could not be categorized", html, StringComparison.Ordinal);
        Assert.Contains("The model left it out three times.", html, StringComparison.Ordinal);
        Assert.Contains($"/jobs/{job.Id}/conversations/3", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileTextInTheFileNameLogAndFailedConversationsIsEncoded()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Categorizing, change: j => j.Failed = 1);
        await using (var db = fixture.App.Db())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.FileName, PageSeed.Hostile));
        }
        await fixture.App.AddAsync(Log(job.Id, JobLogLevel.Error, PageSeed.Hostile));
        await fixture.App.StoreAsync(job.Id, 0, PageSeed.Chat("x", PageSeed.Hostile), failure: PageSeed.Hostile);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{job.Id}");
        var list = await client.PageAsync("/jobs");

        HtmlAssert.Encoded(PageSeed.Hostile, html);
        HtmlAssert.Encoded(PageSeed.Hostile, list);
    }

    [Fact]
    public async Task TheCancelFormStopsTheJobAndComesBackToItsPage()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Categorizing, change: j => j.Total = 10);
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.PostFormAsync($"/jobs/{job.Id}/cancel");

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal($"/jobs/{job.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(JobStatus.Cancelled, (await fixture.App.ReloadAsync(job.Id)).Status);
    }

    [Fact]
    public async Task ACancelWithoutTheTokenIsRefused()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Categorizing);
        using var client = fixture.App.CreateSessionClient(_session);
        await client.PageAsync($"/jobs/{job.Id}");

        using var response = await client.PostAsync(new Uri($"/jobs/{job.Id}/cancel", UriKind.Relative), new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(JobStatus.Categorizing, (await fixture.App.ReloadAsync(job.Id)).Status);
    }

    [Fact]
    public async Task DeletingAJobRemovesItAndSaysSo()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Year);
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.PostFormAsync($"/jobs/{job.Id}/delete");
        var list = await client.PageAsync(response.Headers.Location!.OriginalString);

        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Contains("The job was deleted", list, StringComparison.Ordinal);
        Assert.DoesNotContain(job.Id, list, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJobsListShowsThisSessionsJobsNewestFirst()
    {
        var older = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month, createdAt: DateTime.UtcNow.AddMinutes(-5));
        var newer = await fixture.App.JobAsync(_session, JobStatus.Reading, JobMode.Topic);
        var someoneElses = await fixture.App.JobAsync("someone else", JobStatus.Done);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync("/jobs");

        Assert.True(html.IndexOf(newer.Id, StringComparison.Ordinal) < html.IndexOf(older.Id, StringComparison.Ordinal));
        Assert.DoesNotContain(someoneElses.Id, html, StringComparison.Ordinal);
        Assert.Contains("Reading the export", html, StringComparison.Ordinal);
    }

    private static JobLogEntry Log(string jobId, JobLogLevel level, string message) =>
        new() { JobId = jobId, At = DateTime.UtcNow, Level = level, Message = message };
}
