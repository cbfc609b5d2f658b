using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChatOrganizer.Web.Jobs;

/// <summary>
/// Recurring housekeeping, run by one instance at a time: deletes jobs whose retention has passed (with
/// their uploads and results), old cache entries and abandoned partial uploads, and requeues any unfinished
/// job that has no step queued (the small window between committing a job's state and queueing its next
/// step, should the process die right there).
/// </summary>
[DisallowConcurrentExecution]
public sealed class MaintenanceJob(
    IDbContextFactory<ChatOrganizerDb> dbs,
    DataFolder folder,
    JobQueue queue,
    JobLifecycle lifecycle,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<MaintenanceJob> logger) : IJob
{
    public static readonly JobKey Key = new("maintenance", "system");

    // A job younger than this may be between its commit and its queueing right now.
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await DeleteExpiredAsync(now, cancellationToken);
        await RequeueStalledAsync(now, cancellationToken);
        DeleteAbandonedUploads(now);
    }

    private async Task DeleteExpiredAsync(DateTime now, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var expired = await db.Jobs.Where(j => j.ExpiresAt != null && j.ExpiresAt < now).OrderBy(j => j.ExpiresAt).Select(j => j.Id).Take(100).ToListAsync(cancellationToken);
        foreach (var jobId in expired)
        {
            await JobService.DeleteRowsAsync(db, jobId, cancellationToken);
            lifecycle.DeleteUpload(jobId);
        }
        var oldest = now - options.Value.RetentionPeriod;
        var cached = await db.CategorizationCache.Where(c => c.CreatedAt < oldest).ExecuteDeleteAsync(cancellationToken);
        if (expired.Count > 0 || cached > 0)
        {
            logger.LogInformation("Retention: deleted {Jobs} expired jobs and {Cached} cache entries.", expired.Count, cached);
        }
    }

    private async Task RequeueStalledAsync(DateTime now, CancellationToken cancellationToken)
    {
        var settled = now - Grace;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var unfinished = await db.Jobs
            .Where(j => j.CreatedAt < settled && (j.Status == JobStatus.Queued || j.Status == JobStatus.Reading || j.Status == JobStatus.Categorizing || j.Status == JobStatus.Finishing))
            .Select(j => new { j.Id, j.Status })
            .ToListAsync(cancellationToken);
        foreach (var job in unfinished)
        {
            if ((await queue.StepsAsync(job.Id, cancellationToken)).Count > 0) continue;

            logger.LogWarning("Job {JobId} ({Status}) had no step queued; requeueing it.", job.Id, job.Status);
            switch (job.Status)
            {
                case JobStatus.Queued or JobStatus.Reading:
                    await queue.EnqueueReadAsync(job.Id, cancellationToken);
                    break;
                case JobStatus.Categorizing:
                    var pending = await db.WorkItems.Where(w => w.JobId == job.Id && w.CompletedAt == null).Select(w => w.Number).ToListAsync(cancellationToken);
                    if (pending.Count == 0) await lifecycle.FinishAsync(job.Id, cancellationToken);
                    else await queue.EnqueueWorkItemsAsync(job.Id, pending, cancellationToken);
                    break;
                case JobStatus.Finishing:
                    await lifecycle.CompleteFinishingAsync(job.Id, cancellationToken);
                    break;
            }
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
