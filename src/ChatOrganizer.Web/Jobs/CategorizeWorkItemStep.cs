using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace ChatOrganizer.Web.Jobs;

/// <summary>
/// One work item: a range of a job's conversations, categorized on whichever instance Quartz hands it to.
/// Conversations that already have a result are skipped, so a run after a crash picks up where the last one
/// stopped; the last work item to complete ends the job.
/// </summary>
public sealed class CategorizeJob(
    IDbContextFactory<ChatOrganizerDb> dbs,
    WorkItemCategorizer categorizer,
    JobLifecycle lifecycle,
    JobLogWriter log,
    IOptions<JobOptions> options,
    TimeProvider time,
    ILogger<CategorizeJob> logger) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        var jobId = context.JobDetail.Key.Group;
        var number = JobQueue.WorkItemNumber(context.JobDetail.Key) ?? throw new InvalidOperationException($"Not a work item: {context.JobDetail.Key}.");
        var maxAttempts = options.Value.MaxAttempts;

        WorkItem? item;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var instance = context.Scheduler.SchedulerInstanceId;
            var claimed = await db.WorkItems
                .Where(w => w.JobId == jobId && w.Number == number && w.CompletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.Attempts, w => w.Attempts + 1).SetProperty(w => w.Instance, instance), cancellationToken);
            if (claimed == 0)
            {
                // Completed before a crash kept Quartz from hearing of it: only the job's end may be missing.
                await lifecycle.FinishIfCompleteAsync(jobId, cancellationToken);
                return;
            }
            item = await db.WorkItems.AsNoTracking().FirstAsync(w => w.JobId == jobId && w.Number == number, cancellationToken);
        }

        var range = $"conversations {item.FirstIndex + 1:N0}–{item.EndIndex:N0}";
        if (item.Attempts > maxAttempts)
        {
            await lifecycle.FailAsync(jobId,
                $"Categorizing {range} was interrupted {maxAttempts} times; last error: {item.LastError ?? "the instance working on them stopped"}.",
                cancellationToken);
            return;
        }
        if (item.Attempts > 1)
        {
            await log.WriteAsync(jobId, JobLogLevel.Warning, $"Resuming {range} (attempt {item.Attempts} of {maxAttempts}).", cancellationToken);
        }

        try
        {
            if (!await categorizer.RunAsync(jobId, item, cancellationToken)) return; // cancelled or deleted meanwhile
        }
        catch (CategorizationStoppedException e)
        {
            await lifecycle.FailAsync(jobId, e.Message, cancellationToken);
            return;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Work item {Number} of job {JobId} failed (attempt {Attempt}).", number, jobId, item.Attempts);
            if (!await lifecycle.IsRunningAsync(jobId, cancellationToken)) return; // ended meanwhile: nothing to try again
            await RecordErrorAsync(jobId, number, e.Message, cancellationToken);
            if (item.Attempts >= maxAttempts)
            {
                await lifecycle.FailAsync(jobId, $"Categorizing {range} failed {maxAttempts} times; the last error was: {e.Message}", cancellationToken);
                return;
            }
            await log.WriteAsync(jobId, JobLogLevel.Warning, $"Categorizing {range} failed ({e.Message}); trying again shortly.", cancellationToken);
            throw; // Quartz runs the work item again under its retry policy.
        }

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            var now = time.GetUtcNow().UtcDateTime;
            await db.WorkItems
                .Where(w => w.JobId == jobId && w.Number == number && w.CompletedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.CompletedAt, now), cancellationToken);
        }
        await lifecycle.FinishIfCompleteAsync(jobId, cancellationToken);
    }

    private async Task RecordErrorAsync(string jobId, int number, string message, CancellationToken cancellationToken)
    {
        var error = message.Length <= ChatOrganizerDb.Lengths.Reason ? message : message[..ChatOrganizerDb.Lengths.Reason];
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.WorkItems
            .Where(w => w.JobId == jobId && w.Number == number)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LastError, error), cancellationToken);
    }
}

/// <summary>Categorizing cannot go on for any conversation (a refused key, an unknown model): the job fails with this sentence.</summary>
public sealed class CategorizationStoppedException(string message, Exception? inner = null) : Exception(message, inner);
