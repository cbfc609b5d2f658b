using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Largest upload accepted, checked while the body streams in (2 GiB: a large ZIP export).</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Keep uploads after their job ends (for debugging); otherwise they are deleted at once.</summary>
    public bool KeepUploads { get; set; }

    /// <summary>How long a finished job's results are kept before the maintenance job deletes them.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Conversations per work item: the unit several instances share an export by.</summary>
    public int WorkItemSize { get; set; } = 200;

    /// <summary>Conversations stored per database round trip while reading.</summary>
    public int ReadBatchSize { get; set; } = 200;

    /// <summary>Runs of one step (reading, or one work item) before the job ends as failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before a failed step runs again; doubles with each attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Quartz jobs this instance runs at once.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>How often expired results are deleted and stalled jobs rescheduled.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This instance's name in the cluster (logs, work items); <c>AUTO</c> makes one up.</summary>
    public string InstanceId { get; set; } = "AUTO";

    /// <summary>
    /// Scale-out: how often an idle instance looks for steps another instance queued. Quartz's own 30 seconds would
    /// leave a job's work items to the instance that read it whenever they take less than that.
    /// </summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Scale-out: how often an instance says it is alive, and how long after a missed check-in its work is taken over.</summary>
    public TimeSpan ClusterCheckinInterval { get; set; } = TimeSpan.FromSeconds(5);
    public TimeSpan ClusterCheckinMisfireThreshold { get; set; } = TimeSpan.FromSeconds(10);
}

/// <summary>Reports every bad setting at start, with what is allowed.</summary>
internal sealed class JobOptionsValidator : IValidateOptions<JobOptions>
{
    public ValidateOptionsResult Validate(string? name, JobOptions options)
    {
        var failures = new List<string>();
        if (options.MaxUploadBytes < 1024)
            failures.Add($"Jobs:MaxUploadBytes is {options.MaxUploadBytes}; it must be at least 1024 (bytes).");
        if (options.RetentionPeriod <= TimeSpan.Zero)
            failures.Add($"Jobs:RetentionPeriod is {options.RetentionPeriod}; it must be positive, e.g. 30.00:00:00 for 30 days.");
        if (options.WorkItemSize is < 1 or > 10_000)
            failures.Add($"Jobs:WorkItemSize is {options.WorkItemSize}; it must be between 1 and 10000.");
        if (options.ReadBatchSize is < 1 or > 10_000)
            failures.Add($"Jobs:ReadBatchSize is {options.ReadBatchSize}; it must be between 1 and 10000.");
        if (options.MaxAttempts is < 1 or > 100)
            failures.Add($"Jobs:MaxAttempts is {options.MaxAttempts}; it must be between 1 and 100.");
        if (options.RetryDelay < TimeSpan.Zero)
            failures.Add($"Jobs:RetryDelay is {options.RetryDelay}; it must not be negative.");
        if (options.Concurrency is < 1 or > 64)
            failures.Add($"Jobs:Concurrency is {options.Concurrency}; it must be between 1 and 64.");
        if (options.MaintenanceInterval < TimeSpan.FromSeconds(1))
            failures.Add($"Jobs:MaintenanceInterval is {options.MaintenanceInterval}; it must be at least 00:00:01.");
        if (string.IsNullOrWhiteSpace(options.InstanceId))
            failures.Add("Jobs:InstanceId is empty; set a name or AUTO.");
        if (options.QueuePollInterval < TimeSpan.FromSeconds(1))
            failures.Add($"Jobs:QueuePollInterval is {options.QueuePollInterval}; it must be at least 00:00:01.");
        if (options.ClusterCheckinInterval < TimeSpan.FromSeconds(1))
            failures.Add($"Jobs:ClusterCheckinInterval is {options.ClusterCheckinInterval}; it must be at least 00:00:01.");
        if (options.ClusterCheckinMisfireThreshold < TimeSpan.FromSeconds(1))
            failures.Add($"Jobs:ClusterCheckinMisfireThreshold is {options.ClusterCheckinMisfireThreshold}; it must be at least 00:00:01.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
