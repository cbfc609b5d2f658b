using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

public sealed class JobLifecycleTests : IDisposable
{
    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().With("Jobs:MaxAttempts", "3");

    public JobLifecycleTests() => _app.CreateClient().Dispose();

    [Fact]
    public async Task CancellingARunningJobEndsItDropsItsKeyAndDeletesItsUpload()
    {
        // No job server: the maintenance sweep would otherwise finish this seeded job (it has no work items left) first.
        using var idle = new ChatOrganizerApp().WithoutJobServer();
        idle.CreateClient().Dispose();
        var job = await idle.JobAsync("me", JobStatus.Categorizing, change: j => j.ProtectedApiKey = "protected");
        using var scope = idle.Services.CreateScope();

        var outcome = await scope.ServiceProvider.GetRequiredService<JobService>().CancelAsync("me", job.Id, CancellationToken.None);
        var again = await scope.ServiceProvider.GetRequiredService<JobService>().CancelAsync("me", job.Id, CancellationToken.None);

        var cancelled = await idle.ReloadAsync(job.Id);
        Assert.Equal((CancelOutcome.Cancelled, CancelOutcome.AlreadyEnded), (outcome, again));
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        Assert.Null(cancelled.ProtectedApiKey);
        Assert.NotNull(cancelled.ExpiresAt);
        Assert.False(File.Exists(Path.Combine(idle.DataDirectory, "uploads", job.Id)));
    }

    [Fact]
    public async Task CancellingAJobDeletesTheStepsItHadQueued()
    {
        using var idle = new ChatOrganizerApp().WithoutJobServer();
        using var client = idle.CreateClient();
        var job = await client.UploadAsync(Testing.Exports.ExportJson.AboutTopics(3, "Cooking"), "month");
        var queued = (await idle.ReloadAsync(job.Id)).ReadBackgroundJobId;
        var queue = idle.Services.GetRequiredService<StepQueue>();
        Assert.True(queue.IsAlive(queued));

        using var cancelled = await client.PostAsync(new Uri($"/api/jobs/{job.Id}/cancel", UriKind.Relative), content: null);

        Assert.True(cancelled.IsSuccessStatusCode);
        Assert.False(queue.IsAlive(queued));
        using var connection = idle.Services.GetRequiredService<Hangfire.JobStorage>().GetConnection();
        Assert.Equal("Deleted", connection.GetJobData(queued!)?.State);
    }

    [Fact]
    public async Task AnotherSessionCannotCancelTheJob()
    {
        var job = await _app.JobAsync("me", JobStatus.Categorizing);
        using var scope = _app.Services.CreateScope();

        var outcome = await scope.ServiceProvider.GetRequiredService<JobService>().CancelAsync("someone else", job.Id, CancellationToken.None);

        Assert.Equal(CancelOutcome.NotFound, outcome);
        Assert.Equal(JobStatus.Categorizing, (await _app.ReloadAsync(job.Id)).Status);
    }

    [Fact]
    public async Task TheLastWorkItemToCompleteEndsTheJobAsDone()
    {
        var job = await _app.JobAsync("me", JobStatus.Categorizing, change: j => (j.ProtectedApiKey, j.Total) = ("protected", 2));
        await _app.AddAsync(
            new WorkItem { JobId = job.Id, Number = 0, FirstIndex = 0, EndIndex = 1, CompletedAt = DateTime.UtcNow },
            new WorkItem { JobId = job.Id, Number = 1, FirstIndex = 1, EndIndex = 2 });
        var lifecycle = _app.Services.GetRequiredService<JobLifecycle>();

        await lifecycle.FinishIfCompleteAsync(job.Id, CancellationToken.None);
        Assert.Equal(JobStatus.Categorizing, (await _app.ReloadAsync(job.Id)).Status);

        await using (var db = _app.Db())
        {
            await db.WorkItems.Where(w => w.JobId == job.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.CompletedAt, DateTime.UtcNow));
        }
        await Task.WhenAll(lifecycle.FinishIfCompleteAsync(job.Id, CancellationToken.None), lifecycle.FinishIfCompleteAsync(job.Id, CancellationToken.None));

        var done = await _app.ReloadAsync(job.Id);
        Assert.Equal(JobStatus.Done, done.Status);
        Assert.Null(done.ProtectedApiKey);
        Assert.False(File.Exists(Path.Combine(_app.DataDirectory, "uploads", job.Id)));
        await using var check = _app.Db();
        Assert.Single(await check.JobLog.Where(e => e.JobId == job.Id && e.Message.StartsWith("Done")).ToListAsync());
    }

    [Fact]
    public async Task AReadThatKeepsGettingInterruptedEndsAsFailedWithItsReasonInsteadOfLooping()
    {
        var job = await _app.JobAsync("me", JobStatus.Reading, change: j => j.ReadAttempts = 3);

        var queue = _app.Services.GetRequiredService<StepQueue>();
        await queue.EnqueueReadAsync(job.Id, job.FileName, CancellationToken.None);

        var failed = await _app.WaitForAsync(job.Id, j => j.Status == JobStatus.Failed);
        Assert.Equal("Reading the export stopped 3 times before it could finish.", failed.FailureReason);
        // Nothing is left to run: the step ended with its job, and is not retried.
        await Eventually.MatchesAsync(() => Task.FromResult(queue.IsAlive(failed.ReadBackgroundJobId)),
            alive => !alive, Eventually.BackgroundWork, _ => "the read step still queued or running");
    }

    [Fact]
    public async Task AWorkItemThatKeepsFailingEndsTheJobAsFailedNamingItsConversationsAndLastError()
    {
        var job = await _app.JobAsync("me", JobStatus.Categorizing, change: j => j.Total = 40);
        var item = new WorkItem { JobId = job.Id, Number = 1, FirstIndex = 20, EndIndex = 40, Attempts = 3, LastError = "connection reset" };
        await _app.AddAsync(item);

        await _app.Services.GetRequiredService<StepQueue>().EnqueueWorkItemsAsync(job.Id, job.FileName, [item], CancellationToken.None);

        var failed = await _app.WaitForAsync(job.Id, j => j.Status == JobStatus.Failed);
        Assert.Equal("Categorizing conversations 21–40 was interrupted 3 times; last error: connection reset.", failed.FailureReason);
    }

    [Fact]
    public async Task AJobWhoseUploadIsGoneFailsAskingForItAgain()
    {
        var job = await _app.JobAsync("me", JobStatus.Queued);
        File.Delete(Path.Combine(_app.DataDirectory, "uploads", job.Id));

        await _app.Services.GetRequiredService<StepQueue>().EnqueueReadAsync(job.Id, job.FileName, CancellationToken.None);

        var failed = await _app.WaitForAsync(job.Id, j => j.Status == JobStatus.Failed);
        Assert.Equal("The uploaded file is no longer on the server. Please upload it again.", failed.FailureReason);
    }

    public void Dispose() => _app.Dispose();
}
