using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    /// <summary>Largest upload accepted, checked while the body streams in (2 GiB: a large ZIP export).</summary>
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Keep uploads after their job ends (for debugging); otherwise they are deleted at once.</summary>
    public bool KeepUploads { get; set; }

    /// <summary>How long a finished job's results are kept before the maintenance sweep deletes them.</summary>
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Conversations per work item: the unit several instances share an export by.</summary>
    public int WorkItemSize { get; set; } = 200;

    /// <summary>Conversations stored per database round trip while reading.</summary>
    public int ReadBatchSize { get; set; } = 200;

    /// <summary>Index the conversations for search while reading them; off, jobs read meanwhile cannot be searched (a smaller database, a faster read).</summary>
    public bool SearchIndex { get; set; } = true;

    /// <summary>Runs of one step (reading, or one work item) before the job ends as failed; runs cut short by a crash count too.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Wait before a failed step runs again; doubles with each attempt, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Steps this instance runs at once (Hangfire workers). Model requests are limited apart, per instance: <c>Categorization:MaxConcurrency</c>.</summary>
    public int Concurrency { get; set; } = 4;

    /// <summary>Time between maintenance sweeps (expired results, stalled jobs), in whole minutes: it is a recurring job on a cron schedule.</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>This instance's name (the dashboard's servers, work items, step leases); <c>AUTO</c> uses the machine's name and the process id.</summary>
    public string InstanceId { get; set; } = "AUTO";

    /// <summary>How often an idle instance looks for queued steps, and for retries that are due (PostgreSQL polls; the in-memory queue is told at once).</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// After an instance dies mid-step, another takes the step over within this time: Hangfire's invisibility timeout on
    /// PostgreSQL (sliding: renewed while the step runs, so a long step is never taken from a live instance). The step's
    /// lease in the database lasts half of it, renewed every sixth, so it has expired by the time the step is fetched again.
    /// </summary>
    public TimeSpan TakeoverTimeout { get; set; } = TimeSpan.FromSeconds(45);

    /// <summary>
    /// A secret that opens the Hangfire dashboard (<c>/hangfire</c>) to remote requests, sent as <c>Authorization: Bearer</c>
    /// (or as the password of the browser's sign-in prompt). Without it the dashboard answers local requests only.
    /// </summary>
    public string? DashboardToken { get; set; }

    /// <summary>How long a step's claim lasts without renewal.</summary>
    public TimeSpan StepLease => TakeoverTimeout / 2;

    /// <summary>Retries never wait longer than this, however many there were.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    /// <summary>The wait before retry <paramref name="retry"/> (1 for the first), in whole seconds as Hangfire schedules them.</summary>
    public int RetryDelaySecondsBefore(long retry)
    {
        var delay = RetryDelay * Math.Pow(2, Math.Clamp(retry - 1, 0, 20));
        return (int)Math.Ceiling((delay < MaxRetryDelay ? delay : MaxRetryDelay).TotalSeconds);
    }

    /// <summary><see cref="InstanceId"/>, or a name made from the machine and process when it is <c>AUTO</c>.</summary>
    public string InstanceName => InstanceId.Equals("AUTO", StringComparison.OrdinalIgnoreCase)
        ? $"{Environment.MachineName}:{Environment.ProcessId}"
        : InstanceId;

    /// <summary>Shorter secrets can be guessed by anyone who can reach the dashboard.</summary>
    public const int MinimumDashboardTokenLength = 16;
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
        if (options.MaintenanceInterval < TimeSpan.FromMinutes(1) || options.MaintenanceInterval > TimeSpan.FromHours(1) || options.MaintenanceInterval.Ticks % TimeSpan.TicksPerMinute != 0)
            failures.Add($"Jobs:MaintenanceInterval is {options.MaintenanceInterval}; it must be whole minutes from 00:01:00 to 01:00:00.");
        if (string.IsNullOrWhiteSpace(options.InstanceId) || options.InstanceId.Length > 100)
            failures.Add("Jobs:InstanceId is empty or longer than 100 characters; set a short name, or AUTO.");
        if (options.QueuePollInterval < TimeSpan.FromMilliseconds(100) || options.QueuePollInterval > TimeSpan.FromMinutes(1))
            failures.Add($"Jobs:QueuePollInterval is {options.QueuePollInterval}; it must be from 00:00:00.1 to 00:01:00.");
        if (options.TakeoverTimeout < TimeSpan.FromSeconds(2) || options.TakeoverTimeout > TimeSpan.FromHours(1))
            failures.Add($"Jobs:TakeoverTimeout is {options.TakeoverTimeout}; it must be from 00:00:02 to 01:00:00.");
        if (options.DashboardToken is { } token && token.Trim().Length < JobOptions.MinimumDashboardTokenLength)
            failures.Add($"Jobs:DashboardToken is set but shorter than {JobOptions.MinimumDashboardTokenLength} characters; use a long random secret (e.g. `openssl rand -hex 32`), or leave it unset for local requests only.");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
