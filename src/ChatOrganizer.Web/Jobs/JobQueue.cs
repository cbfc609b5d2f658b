using Microsoft.Extensions.Options;
using Quartz;

namespace ChatOrganizer.Web.Jobs;

/// <summary>
/// Puts a job's steps on the Quartz queue: one read step, then one step per work item. Each export's Quartz
/// jobs share a group named after the export's job id. Scheduling is idempotent (a step already queued or
/// running is left alone), so recovery paths may ask again without running anything twice.
/// </summary>
public sealed class JobQueue(ISchedulerFactory schedulers, IOptions<JobOptions> options)
{
    private const string ReadStep = "read";
    private const string WorkItemPrefix = "item-";

    public Task EnqueueReadAsync(string jobId, CancellationToken cancellationToken) =>
        ScheduleIfMissingAsync(JobBuilder.Create<ReadExportJob>().WithIdentity(ReadStep, jobId), cancellationToken);

    public async Task EnqueueWorkItemsAsync(string jobId, IEnumerable<int> numbers, CancellationToken cancellationToken)
    {
        foreach (var number in numbers)
        {
            await ScheduleIfMissingAsync(JobBuilder.Create<CategorizeJob>().WithIdentity(WorkItemPrefix + number, jobId), cancellationToken);
        }
    }

    /// <summary>Removes every queued step of the job; a step already running elsewhere stops at its next batch.</summary>
    public async Task RemoveAsync(string jobId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        await scheduler.DeleteJobs(GroupMatcher<JobKey>.GroupEquals(jobId), cancellationToken);
    }

    /// <summary>The Quartz jobs queued or running for an export.</summary>
    public async Task<IReadOnlyList<JobKey>> StepsAsync(string jobId, CancellationToken cancellationToken)
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        return await scheduler.GetJobKeys(GroupMatcher<JobKey>.GroupEquals(jobId), cancellationToken);
    }

    public static bool IsReadStep(JobKey key) => key.Name == ReadStep;

    public static int? WorkItemNumber(JobKey key) =>
        key.Name.StartsWith(WorkItemPrefix, StringComparison.Ordinal) && int.TryParse(key.Name.AsSpan(WorkItemPrefix.Length), out var n) ? n : null;

    private async Task ScheduleIfMissingAsync<TJob>(JobBuilder<TJob> job, CancellationToken cancellationToken) where TJob : IJob
    {
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        // RequestRecovery: when the instance running a step dies (kill -9, crash), the step runs again,
        // on another instance of the cluster or on this one when it restarts.
        var detail = job.RequestRecovery().Build();
        if (await scheduler.Exists(detail.Key, cancellationToken)) return;

        var trigger = TriggerBuilder.Create()
            .WithIdentity(detail.Key.Name, detail.Key.Group)
            .ForJob(detail)
            .StartNow()
            .WithRetryPolicy(RetryPolicy())
            .Build();
        try
        {
            await scheduler.ScheduleJob(detail, trigger, default, cancellationToken);
        }
        catch (ObjectAlreadyExistsException)
        {
            // Queued meanwhile by another path (the maintenance sweep, another instance): once is enough.
        }
    }

    // A step that throws runs again later under this policy; JobOptions.MaxAttempts caps the total runs,
    // counted in the database so that runs cut short by a crash count too.
    private RetryPolicy RetryPolicy()
    {
        var settings = options.Value;
        return settings.MaxAttempts <= 1
            ? Quartz.RetryPolicy.None
            : Quartz.RetryPolicy.Exponential(settings.MaxAttempts - 1, settings.RetryDelay, 2, TimeSpan.FromMinutes(5));
    }
}
