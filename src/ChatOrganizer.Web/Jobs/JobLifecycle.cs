using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// How a job ends: done, failed or cancelled. Every transition is one conditional update, so when several
// instances race to end a job exactly one of them does it. Ending drops the job's key, removes its queued
// steps and deletes its upload (unless JobOptions.KeepUploads).
public sealed class JobLifecycle(
    IDbContextFactory<ChatOrganizerDb> dbs,
    DataFolder folder,
    StepQueue queue,
    JobLogWriter log,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<JobLifecycle> logger)
{
    // Ends the job as done when no work item is left; called by each work item as it completes.
    public async Task FinishIfCompleteAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (await db.WorkItems.AnyAsync(w => w.JobId == jobId && w.CompletedAt == null, cancellationToken)) return;
        await FinishAsync(jobId, cancellationToken);
    }

    public async Task FinishAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var finishing = await db.Jobs
            .Where(j => j.Id == jobId && (j.Status == JobStatus.Reading || j.Status == JobStatus.Categorizing))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Status, JobStatus.Finishing), cancellationToken);
        if (finishing == 0) return;
        await CompleteFinishingAsync(jobId, cancellationToken);
    }

    // A done job's second pass has stored all it could (ReadExportStep): nothing waits for it any more, and its upload,
    // kept for it, goes.
    public async Task PreparedAsync(string jobId, CancellationToken cancellationToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            await db.Jobs.Where(j => j.Id == jobId && j.Prepared != null).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, j => j.Read), cancellationToken);
        }
        if (!options.Value.KeepUploads) DeleteUpload(jobId);
    }

    // Ends a job that is finishing as done (also after a crash left it finishing).
    public async Task CompleteFinishingAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var counts = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId)
            .Select(j => new { j.Mode, j.Read, j.Categorized, j.Failed })
            .FirstOrDefaultAsync(cancellationToken);
        if (counts is null) return;
        var summary = counts.Mode switch
        {
            JobMode.Topic => $"Done: {counts.Categorized:N0} conversations categorized, {counts.Failed:N0} failed.",
            JobMode.Discover => $"Done: {counts.Categorized:N0} conversations filed under the topics found, {counts.Failed:N0} failed.",
            _ => $"Done: {counts.Read:N0} conversations grouped by {counts.Mode.ToString().ToLowerInvariant()}.",
        };
        await EndAsync(jobId, JobStatus.Done, JobLogLevel.Info, summary, failureReason: null, cancellationToken);
    }

    // Splits a read job's conversations into work items and queues them. From JobStatus.Reading when the
    // read step ends, or from JobStatus.AwaitingStart when the person starts it.
    //
    // Returns False when the job was not in from any more (started already, cancelled, deleted).
    public async Task<bool> StartCategorizingAsync(string jobId, int total, JobStatus from, CancellationToken cancellationToken)
    {
        var size = options.Value.WorkItemSize;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            var items = Enumerable.Range(0, (total + size - 1) / size)
                .Select(n => new WorkItem { JobId = jobId, Number = n, FirstIndex = n * size, EndIndex = Math.Min(total, (n + 1) * size) })
                .ToList();
            var now = time.GetUtcNow().UtcDateTime;
            var moved = await db.Jobs
                .Where(j => j.Id == jobId && j.Status == from)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.Categorizing)
                    .SetProperty(j => j.Total, total)
                    .SetProperty(j => j.WorkItems, items.Count)
                    .SetProperty(j => j.CategorizingStartedAt, now)
                    .SetProperty(j => j.ExpiresAt, (DateTime?)null), cancellationToken);
            if (moved == 0) return false;

            db.WorkItems.AddRange(items);
            var work = $"{items.Count:N0} work item{(items.Count == 1 ? "" : "s")} of up to {size:N0}";
            db.JobLog.Add(log.Entry(jobId, JobLogLevel.Info, from == JobStatus.AwaitingStart
                ? $"Started. Categorizing {total:N0} conversations in {work}."
                : $"Read {total:N0} conversations. Categorizing them in {work}."));
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        await QueuePendingWorkItemsAsync(jobId, cancellationToken);
        return true;
    }

    public async Task QueuePendingWorkItemsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var fileName = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.FileName).FirstOrDefaultAsync(cancellationToken);
        if (fileName is null) return;
        var pending = await db.WorkItems.AsNoTracking().Where(w => w.JobId == jobId && w.CompletedAt == null).OrderBy(w => w.Number).ToListAsync(cancellationToken);
        await queue.EnqueueWorkItemsAsync(jobId, fileName, pending, cancellationToken);
    }

    // A read topic job that was asked to wait: it stops with its estimate on the job page until the person starts
    // it or cancels it. It expires like an ended job if neither happens, and its upload is no longer needed.
    public async Task AwaitStartAsync(string jobId, int total, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var waiting = await db.Jobs
                .Where(j => j.Id == jobId && j.Status == JobStatus.Reading)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, JobStatus.AwaitingStart)
                    .SetProperty(j => j.Total, total)
                    .SetProperty(j => j.ExpiresAt, now + options.Value.RetentionPeriod), cancellationToken);
            if (waiting == 0) return;
        }
        await log.WriteAsync(jobId, JobLogLevel.Info,
            $"Read {total:N0} conversations. Nothing has been sent yet: the estimate is on the job page, and categorizing starts when you press Start.", cancellationToken);
        if (!options.Value.KeepUploads) DeleteUpload(jobId);
    }

    // Whether the job's conversations are read but not all prepared (Job.Prepared).
    public async Task<bool> PreparingAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AnyAsync(j => j.Id == jobId && j.Prepared < j.Read, cancellationToken);
    }

    // The job's status; null when it does not exist (any more).
    public async Task<JobStatus?> StatusAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.Where(j => j.Id == jobId).Select(j => (JobStatus?)j.Status).FirstOrDefaultAsync(cancellationToken);
    }

    // Whether the job is still being read or categorized: not ended, and not deleted.
    public async Task<bool> IsRunningAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.Jobs.AnyAsync(j => j.Id == jobId && (j.Status == JobStatus.Reading || j.Status == JobStatus.Categorizing), cancellationToken);
    }

    public Task<bool> FailAsync(string jobId, string reason, CancellationToken cancellationToken) =>
        EndAsync(jobId, JobStatus.Failed, JobLogLevel.Error, $"Failed: {reason}", reason, cancellationToken);

    public Task<bool> CancelAsync(string jobId, CancellationToken cancellationToken) =>
        EndAsync(jobId, JobStatus.Cancelled, JobLogLevel.Warning, "Cancelled on request. Results so far are kept.", failureReason: null, cancellationToken);

    // Deletes a job's upload file, if still there.
    public void DeleteUpload(string jobId)
    {
        try
        {
            File.Delete(folder.UploadPath(jobId));
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not delete the upload of job {JobId}.", jobId);
        }
    }

    // Deletes the files kept from a job's export ZIP, with the job (they outlive its upload).
    public void DeleteAttachments(string jobId)
    {
        try
        {
            var path = folder.AttachmentFolder(jobId);
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException e)
        {
            logger.LogWarning(e, "Could not delete the attachments of job {JobId}.", jobId);
        }
    }

    private async Task<bool> EndAsync(string jobId, JobStatus status, JobLogLevel level, string message, string? failureReason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var expires = now + options.Value.RetentionPeriod;
        failureReason = ChatOrganizerDb.Lengths.Fit(failureReason, ChatOrganizerDb.Lengths.Reason);

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var ended = await db.Jobs
                .Where(j => j.Id == jobId && j.Status != JobStatus.Done && j.Status != JobStatus.Failed && j.Status != JobStatus.Cancelled)
                .Where(j => status != JobStatus.Done || j.Status == JobStatus.Finishing)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.Status, status)
                    .SetProperty(j => j.FailureReason, failureReason)
                    .SetProperty(j => j.FinishedAt, now)
                    .SetProperty(j => j.ExpiresAt, expires)
                    .SetProperty(j => j.ProtectedApiKey, (string?)null), cancellationToken);
            if (ended == 0) return false;
        }

        await log.WriteAsync(jobId, level, message, cancellationToken);
        await queue.RemoveAsync(jobId, cancellationToken);
        // A done month or year job still reads its upload, to prepare the rest (PreparedAsync deletes it then).
        if (!options.Value.KeepUploads && !(status == JobStatus.Done && await PreparingAsync(jobId, cancellationToken))) DeleteUpload(jobId);
        logger.LogInformation("Job {JobId} ended: {Status}.", jobId, status);
        return true;
    }
}
