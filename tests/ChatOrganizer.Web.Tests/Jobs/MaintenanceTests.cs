using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Hangfire;

namespace ChatOrganizer.Web.Tests.Jobs;

public sealed class MaintenanceTests : IDisposable
{
    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().With("Jobs:RetentionPeriod", "7.00:00:00");

    [Fact]
    public async Task ExpiredJobsAreDeletedWithTheirUploadsAndRowsAndOldCacheEntriesWithThem()
    {
        _app.CreateClient().Dispose();
        var expired = await _app.JobAsync("me", JobStatus.Done, change: j => j.ExpiresAt = DateTime.UtcNow.AddDays(1));
        var kept = await _app.JobAsync("me", JobStatus.Done, change: j => j.ExpiresAt = DateTime.UtcNow.AddDays(1));
        await _app.AddAsync(
            new StoredConversation { JobId = expired.Id, Index = 0, Title = "old" },
            new ConversationTranscript { JobId = expired.Id, Index = 0, Content = [1] },
            new JobLogEntry { JobId = expired.Id, At = DateTime.UtcNow, Level = JobLogLevel.Info, Message = "x" },
            new CachedCategory { ConversationId = "old", DigestHash = "h", CategorySetHash = "s", Model = "m", Category = "A", CreatedAt = DateTime.UtcNow.AddDays(-8) },
            new CachedCategory { ConversationId = "new", DigestHash = "h", CategorySetHash = "s", Model = "m", Category = "A", CreatedAt = DateTime.UtcNow });
        await using (var seed = _app.Db())
        {
            await seed.Jobs.Where(j => j.Id == expired.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }

        _app.Services.GetRequiredService<IRecurringJobManager>().Trigger(MaintenanceSweep.RecurringJobId);

        await using var db = _app.Db();
        var deadline = DateTime.UtcNow + Eventually.BackgroundWork;
        while (await db.Jobs.AnyAsync(j => j.Id == expired.Id) && DateTime.UtcNow < deadline) await Task.Delay(50);
        Assert.False(await db.Jobs.AnyAsync(j => j.Id == expired.Id));
        Assert.False(await db.Conversations.AnyAsync(c => c.JobId == expired.Id));
        Assert.False(await db.Transcripts.AnyAsync(c => c.JobId == expired.Id));
        Assert.False(File.Exists(Path.Combine(_app.DataDirectory, "uploads", expired.Id)));
        Assert.True(await db.Jobs.AnyAsync(j => j.Id == kept.Id));
        Assert.Equal(["new"], await db.CategorizationCache.Select(c => c.ConversationId).ToListAsync());
    }

    [Fact]
    public async Task AnUnfinishedJobLeftWithNoStepQueuedIsTakenUpAgain()
    {
        _app.CreateClient().Dispose();
        // As if the process died between committing the last work item and ending the job.
        var stalled = await _app.JobAsync("me", JobStatus.Categorizing, createdAt: DateTime.UtcNow.AddMinutes(-10));
        await _app.AddAsync(new WorkItem { JobId = stalled.Id, Number = 0, FirstIndex = 0, EndIndex = 1, CompletedAt = DateTime.UtcNow });

        _app.Services.GetRequiredService<IRecurringJobManager>().Trigger(MaintenanceSweep.RecurringJobId);

        Assert.Equal(JobStatus.Done, (await _app.WaitForAsync(stalled.Id, j => j.Status == JobStatus.Done)).Status);
    }

    [Fact]
    public async Task ADoneJobWhosePreparingWasCutShortIsPreparedAgain()
    {
        using var client = _app.CreateClient();
        var export = ChatOrganizer.Testing.Exports.ExportJson.AboutTopics(40, "Cooking", "Travel");
        var job = await client.UploadAsync(export, mode: "month");
        await _app.WaitForAsync(job.Id, j => j is { Status: JobStatus.Done, Prepared: 40 });
        // As a crash in its second pass leaves it: its upload kept, some of the rest stored, and its step gone.
        await File.WriteAllBytesAsync(_app.Services.GetRequiredService<DataFolder>().UploadPath(job.Id), export);
        await using (var db = _app.Db())
        {
            await db.Transcripts.Where(t => t.JobId == job.Id && t.Index >= 10).ExecuteDeleteAsync();
            await db.Vectors.Where(v => v.JobId == job.Id && v.Index >= 10).ExecuteDeleteAsync();
            await db.SearchEntries.Where(e => e.JobId == job.Id && e.Index >= 10).ExecuteDeleteAsync();
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 10).SetProperty(j => j.ReadBackgroundJobId, "gone"));
        }

        _app.Services.GetRequiredService<IRecurringJobManager>().Trigger(MaintenanceSweep.RecurringJobId);

        var prepared = await _app.WaitForAsync(job.Id, j => j.Prepared == 40);
        await using var after = _app.Db();
        Assert.Equal(JobStatus.Done, prepared.Status);
        Assert.Equal(Enumerable.Range(0, 40), await after.Transcripts.Where(t => t.JobId == job.Id).OrderBy(t => t.Index).Select(t => t.Index).ToListAsync());
        Assert.False(File.Exists(_app.Services.GetRequiredService<DataFolder>().UploadPath(job.Id)));
    }

    [Fact]
    public async Task ASweepThatFindsAnotherOneRunningGivesUpAndTheNextOneDoesTheWork()
    {
        _app.CreateClient().Dispose();
        var expired = await _app.JobAsync("me", JobStatus.Done);
        await using (var seed = _app.Db())
        {
            await seed.Jobs.Where(j => j.Id == expired.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        var recurring = (IRecurringJobManagerV2)_app.Services.GetRequiredService<IRecurringJobManager>();
        var storage = _app.Services.GetRequiredService<JobStorage>();

        string whileHeld;
        using (var connection = storage.GetConnection())
        using (connection.AcquireDistributedLock(MaintenanceSweep.LockResource, TimeSpan.FromSeconds(5)))
        {
            // As if another instance's sweep were running: this one waits for the lock, then is deleted, not retried.
            whileHeld = recurring.TriggerJob(MaintenanceSweep.RecurringJobId);
            await StateAsync(storage, whileHeld, "Deleted");
        }
        Assert.True(await _app.Db().Jobs.AnyAsync(j => j.Id == expired.Id));

        var next = recurring.TriggerJob(MaintenanceSweep.RecurringJobId);
        await StateAsync(storage, next, "Succeeded");

        Assert.False(await _app.Db().Jobs.AnyAsync(j => j.Id == expired.Id));
    }

    [Fact]
    public async Task TheQueueFileOfTheQuartzVersionsIsDeletedAtStart()
    {
        var leftover = Path.Combine(_app.DataDirectory, "scheduler.db");
        await File.WriteAllTextAsync(leftover, "quartz");

        _app.CreateClient().Dispose();

        Assert.False(File.Exists(leftover));
    }

    private static Task StateAsync(JobStorage storage, string backgroundJobId, string state) =>
        Eventually.MatchesAsync(() =>
        {
            using var connection = storage.GetConnection();
            return Task.FromResult(connection.GetJobData(backgroundJobId)?.State);
        }, s => s == state, Eventually.BackgroundWork, s => $"the sweep {s}");

    public void Dispose() => _app.Dispose();
}
