using System.Security.Cryptography;
using System.Text.RegularExpressions;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// A session's jobs: create one from an upload, follow its progress and log, cancel or delete it. The API
// and the pages both call this. Every query filters on the owner: another session's job is simply not found.
public sealed partial class JobService(
    ChatOrganizerDb db,
    StepQueue queue,
    JobLifecycle lifecycle,
    CategorySetService categorySets,
    BatchCategorizer categorizer,
    ApiKeyProtector keys,
    DataFolder folder,
    JobLogWriter log,
    UploadValidator validator,
    TimeProvider time)
{
    public const int MaxLogPage = 500;

    // The progress poll is the hottest query: compiled once, one indexed row, no tracking. Once per provider's context
    // type: a compiled query runs only against the model it was compiled for (one process may hold both, as tests do).
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<ChatOrganizerDb, string, string, CancellationToken, Task<JobRow?>>> FindRows = new();

    private static Func<ChatOrganizerDb, string, string, CancellationToken, Task<JobRow?>> FindRow(ChatOrganizerDb db) =>
        FindRows.GetOrAdd(db.GetType(), _ => EF.CompileAsyncQuery((ChatOrganizerDb db, string ownerId, string jobId, CancellationToken _) =>
            db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId).Select(JobRow.Projection).FirstOrDefault()));

    // Creates a job from a spooled upload and queues its reading.
    // Throws RequestRejectedException Unknown category set or a malformed model name (400); not a readable export (422).
    // Throws KeyTokenExpiredException The key token is expired or forged.
    public async Task<JobProgress> CreateAsync(string ownerId, ReceivedUpload upload, JobRequest request, string? keyToken, CancellationToken cancellationToken)
    {
        // The person's key travels as a session token (X-Key-Token, from POST /api/keys or the form). It is checked
        // in every mode, so a stale token is noticed at once, and kept (re-protected for this job only) for topic jobs.
        var apiKey = string.IsNullOrWhiteSpace(keyToken) ? null : keys.UnprotectForSession(keyToken, ownerId) ?? throw new KeyTokenExpiredException();
        var topic = request.Mode == JobMode.Topic ? await TopicSettingsAsync(ownerId, request, apiKey, cancellationToken) : null;
        var check = await validator.CheckAsync(upload, cancellationToken);

        var jobId = NewJobId();
        var job = new Job
        {
            Id = jobId,
            OwnerId = ownerId,
            Mode = request.Mode,
            FileName = upload.FileName,
            UploadBytes = upload.Bytes,
            CategorySetId = topic?.Set.Id,
            CategorySetName = topic?.Set.Name,
            CategorySetJson = topic is null ? null : CategorySetService.Snapshot(topic.Set),
            // Discover jobs find their topics on this server, whatever key there is.
            Engine = request.Mode == JobMode.Discover ? CategorizationEngine.Offline : topic?.Engine,
            Model = topic?.Model,
            ProtectedApiKey = topic is not null && apiKey is not null ? keys.ProtectForJob(apiKey, jobId) : null,
            // Waiting is worth it only when the categorizing costs something: a model, not the offline categorizer.
            WaitForStart = request.EstimateFirst && topic?.Engine == CategorizationEngine.Model,
            CreatedAt = time.GetUtcNow().UtcDateTime,
        };
        upload.MoveTo(folder.UploadPath(jobId));
        db.Jobs.Add(job);
        db.JobLog.Add(log.Entry(jobId, JobLogLevel.Info, $"Received {upload.FileName} ({Sizes.Format(upload.Bytes)}) holding {check.Conversations:N0} conversations. Waiting for a worker to read it."));
        if (topic is not null) db.JobLog.Add(log.Entry(jobId, JobLogLevel.Info, topic.Sentence(ownKey: apiKey is not null)));
        await db.SaveChangesAsync(cancellationToken);
        await queue.EnqueueReadAsync(jobId, job.FileName, cancellationToken);
        return JobProgress.From(JobRow.Of(job), time.GetUtcNow().UtcDateTime);
    }

    // The engine is decided here, once: the person's key, else the server's, else the offline categorizer. The
    // job keeps that choice and the model's name, so every work item files its conversations the same way.
    private async Task<TopicSettings> TopicSettingsAsync(string ownerId, JobRequest request, string? apiKey, CancellationToken cancellationToken)
    {
        var set = await categorySets.GetAsync(ownerId, request.CategorySetId ?? CategorySetService.DefaultId, cancellationToken)
            ?? throw new RequestRejectedException(StatusCodes.Status400BadRequest,
                $"There is no category set \"{request.CategorySetId}\" in your session. Pick one from the list, or leave it empty for the default.");
        var run = new CategorizationRun { ApiKey = apiKey, Model = request.Model };
        var engine = categorizer.EngineFor(run);
        return new TopicSettings(set, engine, engine == CategorizationEngine.Model ? categorizer.ModelFor(run) : null, categorizer.UsesNoKey(run));
    }

    private sealed record TopicSettings(CategorySetView Set, CategorizationEngine Engine, string? Model, bool NoKey)
    {
        public string Sentence(bool ownKey) => Engine == CategorizationEngine.Offline
            ? "No API key is set, so the offline categorizer files the conversations on this server, by what each is about (no model, nothing sent anywhere)."
            : NoKey
                ? $"The model {Model} files the conversations, on a model server on this machine that needs no API key."
                : $"The model {Model} files the conversations, with {(ownKey ? "your" : "the server's")} API key.";
    }

    // The job's progress, or null when it does not exist in this session.
    public async Task<JobProgress?> GetProgressAsync(string ownerId, string jobId, CancellationToken cancellationToken) =>
        await FindRow(db)(db, ownerId, jobId, cancellationToken) is { } row ? JobProgress.From(row, time.GetUtcNow().UtcDateTime) : null;

    // The session's jobs, newest first.
    public async Task<IReadOnlyList<JobProgress>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var rows = await db.Jobs.AsNoTracking().Where(j => j.OwnerId == ownerId)
            .OrderByDescending(j => j.CreatedAt).Take(100).Select(JobRow.Projection).ToListAsync(cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        return [.. rows.Select(r => JobProgress.From(r, now))];
    }

    // Log entries after the cursor after (0 for the start); null when the job is not this session's.
    public async Task<JobLogPage?> GetLogAsync(string ownerId, string jobId, long after, int limit, CancellationToken cancellationToken)
    {
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken)) return null;

        var entries = await db.JobLog.AsNoTracking()
            .Where(e => e.JobId == jobId && e.Id > after)
            .OrderBy(e => e.Id)
            .Take(Math.Clamp(limit, 1, MaxLogPage))
            .Select(e => new JobLogLine(e.Id, e.At, e.Level, e.Message))
            .ToListAsync(cancellationToken);
        return new JobLogPage(entries, entries.Count > 0 ? entries[^1].Sequence : after);
    }

    // Starts categorizing a job that waits for it (see Job.WaitForStart); false when the job is not this session's.
    // Starting a job that no longer waits (started already, ended) changes nothing.
    public async Task<bool> StartAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.OwnerId == ownerId)
            .Select(j => new { j.Status, j.Total })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null) return false;
        if (job is { Status: JobStatus.AwaitingStart, Total: { } total })
        {
            await lifecycle.StartCategorizingAsync(jobId, total, JobStatus.AwaitingStart, cancellationToken);
        }
        return true;
    }

    public async Task<CancelOutcome> CancelAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken)) return CancelOutcome.NotFound;
        return await lifecycle.CancelAsync(jobId, cancellationToken) ? CancelOutcome.Cancelled : CancelOutcome.AlreadyEnded;
    }

    // Deletes the job, its upload, conversations, results and log at once; false when it is not this session's.
    public async Task<bool> DeleteAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken)) return false;
        await queue.RemoveAsync(jobId, cancellationToken);
        await DeleteRowsAsync(db, jobId, cancellationToken);
        lifecycle.DeleteUpload(jobId);
        lifecycle.DeleteAttachments(jobId);
        return true;
    }

    internal static async Task DeleteRowsAsync(ChatOrganizerDb db, string jobId, CancellationToken cancellationToken)
    {
        // Children first, each one statement: fast for big jobs, and independent of cascade settings. The search
        // entries' deletion takes their full-text index rows with it (triggers on SQLite, indexes on PostgreSQL).
        await db.SearchEntries.Where(e => e.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Results.Where(r => r.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Transcripts.Where(t => t.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Vectors.Where(v => v.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Attachments.Where(a => a.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Conversations.Where(c => c.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.WorkItems.Where(w => w.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.JobLog.Where(e => e.JobId == jobId).ExecuteDeleteAsync(cancellationToken);
        await db.Jobs.Where(j => j.Id == jobId).ExecuteDeleteAsync(cancellationToken);
    }

    // 128 random bits, URL-safe: a job id cannot be guessed.
    public static string NewJobId() => WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(16));

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,99}$")]
    internal static partial Regex ModelName();
}

// What a person asks of an upload: the form fields mode, categorySetId and model.
// EstimateFirst: The upload page's "show me the estimate first": a topic job with a model waits after reading to be started.
public sealed record JobRequest(JobMode Mode, string? CategorySetId, string? Model, bool EstimateFirst = false)
{
    // Throws RequestRejectedException A field has a value that is not allowed.
    public static JobRequest FromFields(Func<string, string?> field)
    {
        var mode = field("mode") switch
        {
            null or "topic" => JobMode.Topic,
            "month" => JobMode.Month,
            "year" => JobMode.Year,
            "discover" => JobMode.Discover,
            var other => throw new RequestRejectedException(StatusCodes.Status400BadRequest,
                $"\"{(other.Length > 20 ? other[..20] : other)}\" is not a mode: choose topic, month, year or discover."),
        };
        var model = field("model");
        if (model is not null && !JobService.ModelName().IsMatch(model))
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest,
                "The model name can only hold letters, digits and . _ : / - (for example gpt-4o-mini), up to 100 characters.");
        }
        return new JobRequest(mode, field("categorySetId"), model);
    }
}

// The key token is expired, forged or from another session: the person is asked for the key again (401).
public sealed class KeyTokenExpiredException()
    : Exception("Your API key is no longer valid for this page: it expires after a few minutes. Please enter it again.");

public enum CancelOutcome
{
    NotFound,
    AlreadyEnded,
    Cancelled,
}

// The columns progress is computed from.
internal sealed record JobRow(
    string Id, JobMode Mode, JobStatus Status, string FileName, long UploadBytes, long BytesRead,
    string? CategorySetId, string? CategorySetName, CategorizationEngine? Engine, string? Model,
    int Read, int? Total, int Categorized, int Failed, int Requests, int Retries, long InputTokens, long OutputTokens,
    string? FailureReason, DateTime CreatedAt, DateTime? StartedAt, DateTime? CategorizingStartedAt, DateTime? FinishedAt,
    int KnownConversations, int NewConversations, int ChangedConversations, int ReusedResults, int? Prepared)
{
    public static readonly System.Linq.Expressions.Expression<Func<Job, JobRow>> Projection = j => new JobRow(
        j.Id, j.Mode, j.Status, j.FileName, j.UploadBytes, j.BytesRead, j.CategorySetId, j.CategorySetName, j.Engine, j.Model,
        j.Read, j.Total, j.Categorized, j.Failed, j.Requests, j.Retries, j.InputTokens, j.OutputTokens,
        j.FailureReason, j.CreatedAt, j.StartedAt, j.CategorizingStartedAt, j.FinishedAt,
        j.KnownConversations, j.NewConversations, j.ChangedConversations, j.ReusedResults, j.Prepared);

    private static readonly Func<Job, JobRow> FromEntity = Projection.Compile();

    public static JobRow Of(Job job) => FromEntity(job);
}

// Engine: Topic jobs: model, or offline when no API key was available; always offline for discover jobs; null for month and year.
// Percent: Of the current phase: bytes of the upload while reading, conversations while categorizing.
// EtaSeconds: Estimated time left in the current phase, from its pace so far; null until there is a pace.
// Prepared: Month and year jobs: conversations with their transcript, vector and search rows stored, which a done job
// stores behind its results (below Read while it is preparing: its viewer, downloads and search wait for them); null for others.
public sealed record JobProgress(
    string Id,
    JobStatus Status,
    JobMode Mode,
    string FileName,
    long UploadBytes,
    string? CategorySetId,
    string? CategorySetName,
    CategorizationEngine? Engine,
    string? Model,
    int Read,
    int? Total,
    int Categorized,
    int Failed,
    double Percent,
    int Requests,
    int Retries,
    long InputTokens,
    long OutputTokens,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    double ElapsedSeconds,
    double? EtaSeconds,
    string? FailureReason,
    JobLinks Links,
    ReImport? ReImport = null,
    int? Prepared = null)
{
    internal static JobProgress From(JobRow j, DateTime now)
    {
        var end = j.FinishedAt ?? now;
        var elapsed = j.StartedAt is { } started ? (end - started).TotalSeconds : 0;

        double fraction;
        DateTime? phaseStart;
        if (j.Total is > 0 && j.Status is not JobStatus.Reading and not JobStatus.Queued)
        {
            fraction = (double)(j.Categorized + j.Failed) / j.Total.Value;
            phaseStart = j.CategorizingStartedAt;
        }
        else
        {
            fraction = j.UploadBytes > 0 ? Math.Min(1, (double)j.BytesRead / j.UploadBytes) : 0;
            phaseStart = j.StartedAt;
        }
        if (j.Status is JobStatus.Done or JobStatus.Finishing) fraction = 1;

        double? eta = null;
        if (j.Status is JobStatus.Reading or JobStatus.Categorizing && phaseStart is { } since && fraction is > 0.01 and < 1)
        {
            eta = Math.Round((now - since).TotalSeconds * (1 - fraction) / fraction, 1);
        }

        return new JobProgress(
            j.Id, j.Status, j.Mode, j.FileName, j.UploadBytes, j.CategorySetId, j.CategorySetName, j.Engine, j.Model,
            j.Read, j.Total, j.Categorized, j.Failed, Math.Round(fraction * 100, 1),
            j.Requests, j.Retries, j.InputTokens, j.OutputTokens,
            j.CreatedAt, j.StartedAt, j.FinishedAt, Math.Round(elapsed, 1), eta, j.FailureReason, JobLinks.For(j.Id),
            j.KnownConversations + j.ChangedConversations > 0 ? new ReImport(j.KnownConversations, j.NewConversations, j.ChangedConversations, j.ReusedResults) : null,
            j.Prepared);
    }
}

// An export the session had read before, in part: conversations it had unchanged (Known), had in
// another version, or did not have; Reused of the known ones kept their earlier category with no
// model request. Null on a job when no earlier job had any of its conversations.
public sealed record ReImport(int Known, int New, int Changed, int Reused);

// Where a job's resources are in the JSON API.
public sealed record JobLinks(string Self, string Log, string Results, string Cancel)
{
    public static JobLinks For(string jobId) => new($"/api/jobs/{jobId}", $"/api/jobs/{jobId}/log", $"/api/jobs/{jobId}/results", $"/api/jobs/{jobId}/cancel");
}

// Next: The cursor for the next call (?after=): the last entry's sequence, or the one given when none is new.
public sealed record JobLogPage(IReadOnlyList<JobLogLine> Entries, long Next);

// Sequence: Increases across all jobs; entries of one job are in order.
public sealed record JobLogLine(long Sequence, DateTime At, JobLogLevel Level, string Message);
