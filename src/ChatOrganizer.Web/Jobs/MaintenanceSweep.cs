using ChatOrganizer.Web.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// Recurring housekeeping, a Hangfire recurring job that never runs twice at once (one instance of a cluster at a
// time): deletes jobs whose retention has passed (with their uploads and results), old cache entries and abandoned
// partial uploads, and queues again every step of an unfinished job whose background job is gone.
public sealed class MaintenanceSweep(
    IDbContextFactory<ChatOrganizerDb> dbs,
    DataFolder folder,
    StepQueue queue,
    JobLifecycle lifecycle,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<MaintenanceSweep> logger)
{
    public const string RecurringJobId = "maintenance";

    // The distributed lock a running sweep holds (DisableConcurrentExecutionAttribute).
    public const string LockResource = "chatorganizer:maintenance";

    // A step due less than this long ago may be between its commit and its enqueue right now.
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    // cancellationToken: Hangfire's: cancelled when this instance shuts down.
    //
    // A sweep that finds another one running waits for its lock a few seconds, then gives up quietly (deleted, not
    // retried): the next one is a minute away.
    [JobDisplayName("Maintenance sweep")]
    [DisableConcurrentExecution(LockResource, 5)]
    [AutomaticRetry(Attempts = 0, LogEvents = false, OnAttemptsExceeded = AttemptsExceededAction.Delete)]
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        try
        {
            await DeleteExpiredAsync(now, cancellationToken);
            await RequeueLostStepsAsync(now - Grace, cancellationToken);
            DeleteAbandonedUploads(now);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "The maintenance sweep failed; the next one tries again.");
        }
    }

    // Queues every step of every unfinished job whose background job is not queued, running or waiting for a retry, and
    // whose lease is not held; ends a job whose work items are all complete. Steps that became due after
    // dueBefore and have no background job yet are left alone: their enqueue may be under way.
    public async Task RequeueLostStepsAsync(DateTime dueBefore, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.Jobs.AsNoTracking()
            .Where(j => j.Status == JobStatus.Queued || j.Status == JobStatus.Reading || j.Status == JobStatus.Categorizing || j.Status == JobStatus.Finishing
                || (j.Status == JobStatus.Done && j.Prepared < j.Read))
            .Select(j => new { j.Id, j.Status, j.FileName, j.CreatedAt, j.CategorizingStartedAt, j.ReadBackgroundJobId, j.ReadLeaseOwner, j.ReadLeaseExpiresAt })
            .ToListAsync(cancellationToken);
        foreach (var job in unfinished)
        {
            switch (job.Status)
            {
                // Done: its second pass (preparing) was cut short.
                case JobStatus.Queued or JobStatus.Reading or JobStatus.Done:
                    if (Lost(job.ReadBackgroundJobId, job.CreatedAt, job.ReadLeaseOwner, job.ReadLeaseExpiresAt))
                    {
                        logger.LogWarning("Job {JobId} ({Status}) had no read step queued; queueing one.", job.Id, job.Status);
                        await queue.EnqueueReadAsync(job.Id, job.FileName, cancellationToken);
                    }
                    break;
                case JobStatus.Categorizing:
                    var pending = await db.WorkItems.AsNoTracking().Where(w => w.JobId == job.Id && w.CompletedAt == null).OrderBy(w => w.Number).ToListAsync(cancellationToken);
                    if (pending.Count == 0)
                    {
                        await lifecycle.FinishAsync(job.Id, cancellationToken);
                        break;
                    }
                    var lost = pending.Where(w => Lost(w.BackgroundJobId, job.CategorizingStartedAt ?? job.CreatedAt, w.LeaseOwner, w.LeaseExpiresAt)).ToList();
                    if (lost.Count > 0)
                    {
                        logger.LogWarning("Job {JobId} had {Count} work items with no step queued; queueing them.", job.Id, lost.Count);
                        await queue.EnqueueWorkItemsAsync(job.Id, job.FileName, lost, cancellationToken);
                    }
                    break;
                case JobStatus.Finishing:
                    await lifecycle.CompleteFinishingAsync(job.Id, cancellationToken);
                    break;
            }
        }

        bool Lost(string? backgroundJobId, DateTime due, string? leaseOwner, DateTime? leaseExpiresAt) =>
            (leaseOwner is null || leaseExpiresAt < now)
            && (backgroundJobId is null ? due < dueBefore : !queue.IsAlive(backgroundJobId));
    }

    private async Task DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var expired = await db.Jobs.Where(j => j.ExpiresAt != null && j.ExpiresAt < now).OrderBy(j => j.ExpiresAt).Select(j => j.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var jobId in expired)
        {
            await JobService.DeleteRowsAsync(db, jobId, cancellationToken);
            lifecycle.DeleteUpload(jobId);
            lifecycle.DeleteAttachments(jobId);
        }
        var oldest = now - options.Value.RetentionPeriod;
        var cached = await db.CategorizationCache.Where(c => c.CreatedAt < oldest).ExecuteDeleteAsync(cancellationToken);
        await db.SessionHandoffs.Where(h => h.ExpiresAt < now).ExecuteDeleteAsync(cancellationToken);
        if (expired.Count > 0 || cached > 0)
        {
            logger.LogInformation("Retention: deleted {Jobs} expired jobs and {Cached} cache entries.", expired.Count, cached);
        }
    }

    private void DeleteAbandonedUploads(DateTime now)
    {
        foreach (var path in Directory.EnumerateFiles(folder.Uploads, "incoming-*"))
        {
            if (File.GetLastWriteTimeUtc(path) < now - TimeSpan.FromDays(1))
            {
                File.Delete(path);
            }
        }
    }
}
