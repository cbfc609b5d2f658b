using ChatOrganizer.Web.Storage;
using Hangfire;
using Hangfire.States;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// Puts a job's steps on Hangfire's queue (one read step, then one step per work item) and records each step's
// background job id beside it in the app's database, which stays the truth about what is done: a step whose
// background job is gone (the in-memory queue after a restart, a crash between a commit and its enqueue) is
// queued again from there. Queueing a step twice is harmless: its lease lets one copy run.
public sealed class StepQueue(IBackgroundJobClient client, JobStorage storage, IDbContextFactory<ChatOrganizerDb> dbs, ILogger<StepQueue> logger)
{
    // Queued, or waiting for a retry: not started yet.
    private static readonly HashSet<string> WaitingStates = new(StringComparer.OrdinalIgnoreCase)
    {
        EnqueuedState.StateName, ScheduledState.StateName, AwaitingState.StateName,
    };

    public async Task EnqueueReadAsync(string jobId, string fileName, CancellationToken cancellationToken)
    {
        var id = client.Enqueue<ReadExportStep>(step => step.RunAsync(jobId, fileName, CancellationToken.None));
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.ReadBackgroundJobId, id), cancellationToken);
    }

    public async Task EnqueueWorkItemsAsync(string jobId, string fileName, IEnumerable<WorkItem> items, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        foreach (var item in items)
        {
            var (number, first, last) = (item.Number, item.FirstIndex + 1, item.EndIndex);
            var id = client.Enqueue<CategorizeWorkItemStep>(step => step.RunAsync(jobId, number, first, last, fileName, CancellationToken.None));
            await db.WorkItems.Where(w => w.JobId == jobId && w.Number == number)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.BackgroundJobId, id), cancellationToken);
        }
    }

    // Deletes the job's steps that have not started; a step already running (perhaps the caller) stops at its next batch,
    // when it finds its job ended, and ends as its own work did.
    public async Task RemoveAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var read = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.ReadBackgroundJobId).FirstOrDefaultAsync(cancellationToken);
        var items = await db.WorkItems.Where(w => w.JobId == jobId && w.CompletedAt == null && w.BackgroundJobId != null)
            .Select(w => w.BackgroundJobId).ToListAsync(cancellationToken);
        foreach (var id in items.Prepend(read).OfType<string>().Where(id => StateOf(id) is { } state && WaitingStates.Contains(state)))
        {
            client.Delete(id);
        }
    }

    // Whether the background job is queued, running or waiting for a retry; false for one that ended, or that this queue never had.
    public bool IsAlive(string? backgroundJobId) =>
        StateOf(backgroundJobId) is { } state && (WaitingStates.Contains(state) || state.Equals(ProcessingState.StateName, StringComparison.OrdinalIgnoreCase));

    private string? StateOf(string? backgroundJobId)
    {
        if (backgroundJobId is null) return null;
        try
        {
            using var connection = storage.GetConnection();
            return connection.GetJobData(backgroundJobId)?.State;
        }
        catch (FormatException)
        {
            // An id in another storage's format (the database moved between modes): not one of ours.
            logger.LogDebug("Background job id {Id} is not one this storage knows.", backgroundJobId);
            return null;
        }
    }
}
