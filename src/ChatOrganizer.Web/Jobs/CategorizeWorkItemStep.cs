using ChatOrganizer.Web.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// One work item as one step: a range of a job's conversations, categorized on whichever instance Hangfire hands it
// to, while that instance holds the item's lease (a second copy does nothing). Conversations that already have a
// result are skipped, so a run after a crash picks up where the last one stopped; the last work item to complete
// ends the job.
public sealed class CategorizeWorkItemStep(
    IDbContextFactory<ChatOrganizerDb> dbs,
    StepLeases leases,
    WorkItemCategorizer categorizer,
    JobLifecycle lifecycle,
    JobLogWriter log,
    IOptions<JobOptions> options,
    ILogger<CategorizeWorkItemStep> logger)
{
    // firstItem: For the dashboard's name of the step: the first conversation, counted from 1.
    // lastItem: For the dashboard's name: the last conversation, included.
    // fileName: For the dashboard's name.
    // cancellationToken: Hangfire's: cancelled when this instance shuts down.
    [JobDisplayName("Categorize items {2}-{3} of {4}")]
    public async Task RunAsync(string jobId, int number, int firstItem, int lastItem, string fileName, CancellationToken cancellationToken)
    {
        var maxAttempts = options.Value.MaxAttempts;
        await using var lease = await leases.ClaimWorkItemAsync(jobId, number, cancellationToken);
        if (lease is null)
        {
            // Completed before a crash kept the job's end from being recorded (only that may be missing), or another copy
            // of this step holds the lease and categorizes.
            logger.LogInformation("Work item {Number} of job {JobId} is complete or held by another copy of its step; this one does nothing.", number, jobId);
            await lifecycle.FinishIfCompleteAsync(jobId, cancellationToken);
            return;
        }

        WorkItem item;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
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

        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            if (!await categorizer.RunAsync(jobId, item, running.Token)) return; // cancelled or deleted meanwhile
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return; // another copy took the lease over and goes on from what is stored
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
            throw; // Hangfire runs the step again (AutomaticRetry, Jobs:RetryDelay).
        }

        if (await leases.CompleteWorkItemAsync(lease, jobId, number, cancellationToken))
        {
            await lifecycle.FinishIfCompleteAsync(jobId, cancellationToken);
        }
    }

    private async Task RecordErrorAsync(string jobId, int number, string message, CancellationToken cancellationToken)
    {
        var error = ChatOrganizerDb.Lengths.Fit(message, ChatOrganizerDb.Lengths.Reason);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.WorkItems
            .Where(w => w.JobId == jobId && w.Number == number)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LastError, error), cancellationToken);
    }
}

// Categorizing cannot go on for any conversation (a refused key, an unknown model): the job fails with this sentence.
public sealed class CategorizationStoppedException(string message, Exception? inner = null) : Exception(message, inner);
