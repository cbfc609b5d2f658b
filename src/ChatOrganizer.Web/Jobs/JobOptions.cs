using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

public sealed class JobOptions
{
    public const string Section = "Jobs";

    // Largest upload accepted, checked while the body streams in (2 GiB: a large ZIP export).
    public long MaxUploadBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    // Keep uploads after their job ends (for debugging); otherwise they are deleted at once.
    public bool KeepUploads { get; set; }

    // How long a finished job's results are kept before the maintenance sweep deletes them.
    public TimeSpan RetentionPeriod { get; set; } = TimeSpan.FromDays(30);

    // Conversations per work item: the unit several instances share an export by.
    public int WorkItemSize { get; set; } = 200;

    // Conversations stored per database round trip while reading. Up to four batches are in flight (read, built, being
    // stored, and one waiting), and each lives long enough to die in gen2 (`bench job-speed`, 20,000 by month from JSON,
    // the app's peak): 405 MB at 200, 315-319 MB at 100, 282-288 MB at 50, 262-273 MB at 25 (261 MB at 5,000: flat with
    // size), none slower; at 10 each batch's comparison with earlier jobs and its commit made storing slower again.
    // PostgreSQL, where each commit waits for its log to reach the disk: 63-65 s at 25 against 57-64 s at 100, within
    // the noise of its runs, and a peak of 273 MB against 301-303 MB, so one size for both. (These were whole rows: the
    // first pass of a month or year job, which stores only summaries, takes four times as many at once.)
    public int ReadBatchSize { get; set; } = 25;

    // Index the conversations for search while reading them; off, jobs read meanwhile cannot be searched (a smaller database, a faster read).
    public bool SearchIndex { get; set; } = true;

    // Runs of one step (reading, or one work item) before the job ends as failed; runs cut short by a crash count too.
    public int MaxAttempts { get; set; } = 5;

    // Wait before a failed step runs again; doubles with each attempt, up to MaxRetryDelay.
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    // Steps this instance runs at once (Hangfire workers). Model requests are limited apart, per instance: Categorization:MaxConcurrency.
    public int Concurrency { get; set; } = 4;

    // Time between maintenance sweeps (expired results, stalled jobs), in whole minutes: it is a recurring job on a cron schedule.
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(1);

    // This instance's name (the dashboard's servers, work items, step leases); AUTO uses the machine's name and the process id.
    public string InstanceId { get; set; } = "AUTO";

    // How often an idle instance looks for queued steps, and for retries that are due (PostgreSQL polls; the in-memory queue is told at once).
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    // After an instance dies mid-step, another takes the step over within this time: Hangfire's invisibility timeout on
    // PostgreSQL (sliding: renewed while the step runs, so a long step is never taken from a live instance). The step's
    // lease in the database lasts half of it, renewed every sixth, so it has expired by the time the step is fetched again.
    public TimeSpan TakeoverTimeout { get; set; } = TimeSpan.FromSeconds(45);

    // A secret that opens the Hangfire dashboard (/hangfire) to remote requests, sent as Authorization: Bearer
    // (or as the password of the browser's sign-in prompt). Without it the dashboard answers local requests only.
    public string? DashboardToken { get; set; }

    // How long a step's claim lasts without renewal.
    public TimeSpan StepLease => TakeoverTimeout / 2;

    // Retries never wait longer than this, however many there were.
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(5);

    // The wait before retry retry (1 for the first), in whole seconds as Hangfire schedules them.
    public int RetryDelaySecondsBefore(long retry)
    {
        var delay = RetryDelay * Math.Pow(2, Math.Clamp(retry - 1, 0, 20));
        return (int)Math.Ceiling((delay < MaxRetryDelay ? delay : MaxRetryDelay).TotalSeconds);
    }

    // InstanceId, or a name made from the machine and process when it is AUTO.
    public string InstanceName => InstanceId.Equals("AUTO", StringComparison.OrdinalIgnoreCase)
        ? $"{Environment.MachineName}:{Environment.ProcessId}"
        : InstanceId;

    // Shorter secrets can be guessed by anyone who can reach the dashboard.
    public const int MinimumDashboardTokenLength = 16;
}

// Reports every bad setting at start, with what is allowed.
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
