using System.Collections.Concurrent;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// The categorization engine's one adapter: runs a work item's conversations that have no result yet through
// BatchCategorizer and stores each batch as it finishes (results, counters and log entries in one
// transaction), so a crash repeats only the requests that were in flight.
public sealed class WorkItemCategorizer(
    IDbContextFactory<ChatOrganizerDb> dbs,
    BatchCategorizer categorizer,
    ApiKeyProtector keys,
    JobLogWriter log,
    TimeProvider time)
{
    // Returns False when the job stopped being categorized meanwhile (cancelled or deleted).
    // Throws CategorizationStoppedException The key was refused, the model is unknown...: no conversation can be categorized.
    public async Task<bool> RunAsync(string jobId, WorkItem item, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.Status == JobStatus.Categorizing)
            .Select(j => new { j.OwnerId, j.CategorySetId, j.CategorySetJson, j.Engine, j.Model, j.ProtectedApiKey })
            .FirstOrDefaultAsync(cancellationToken);
        if (job?.CategorySetJson is null) return false;

        var pending = await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && c.Index >= item.FirstIndex && c.Index < item.EndIndex)
            .Where(c => !db.Results.Any(r => r.JobId == jobId && r.Index == c.Index))
            .OrderBy(c => c.Index)
            .Select(c => new { c.Index, c.ConversationId, c.DigestTitle, c.DigestText, c.DigestTokens, c.DigestHash })
            .ToListAsync(cancellationToken);
        if (pending.Count == 0) return true;

        var indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var digests = new List<ConversationDigest>(pending.Count);
        foreach (var c in pending)
        {
            var key = DigestKey(c.ConversationId, c.Index, indexOf);
            indexOf[key] = c.Index;
            digests.Add(new ConversationDigest(key, c.DigestTitle ?? "", c.DigestText ?? "", c.DigestTokens, c.DigestHash ?? ""));
        }

        var events = new ConcurrentQueue<JobLogEntry>();
        var telemetry = new CategorizationTelemetry(e =>
        {
            if (Describe(jobId, item, e, indexOf) is { } entry) events.Enqueue(entry);
        });
        var run = new CategorizationRun
        {
            ApiKey = job.ProtectedApiKey is null ? null : keys.UnprotectForJob(job.ProtectedApiKey, jobId)
                ?? throw new CategorizationStoppedException("Your API key for this job has expired. Please start the job again with your key."),
            Model = job.Model,
            Offline = job.Engine == CategorizationEngine.Offline,
            Telemetry = telemetry,
            // What the person corrected in this set, in any job: neighbours offline, a few examples in a model's prompt.
            Examples = job.CategorySetId is null ? [] : await Corrections.ExamplesAsync(db, job.OwnerId, job.CategorySetId, cancellationToken),
        };
        // A job keeps the engine it started with: its conversations are not filed half by a model, half offline.
        if (categorizer.EngineFor(run) != job.Engine)
        {
            throw new CategorizationStoppedException("The server's API key was removed while this job was running. Please start the job again.");
        }

        var stored = telemetry.Snapshot();
        try
        {
            await foreach (var batch in categorizer.CategorizeAsync(digests, CategorySetService.FromSnapshot(job.CategorySetJson), run, cancellationToken))
            {
                var usage = telemetry.Snapshot();
                if (!await SaveAsync(jobId, batch.Assignments, indexOf, usage, stored, Drain(events), cancellationToken)) return false;
                stored = usage;
            }
        }
        catch (CategorizationRunFailedException e)
        {
            throw new CategorizationStoppedException(e.Message, e);
        }
        await SaveAsync(jobId, [], indexOf, telemetry.Snapshot(), stored, Drain(events), cancellationToken);
        return true;
    }

    // One transaction: the counters move with the results they count. The job row is updated only while the
    // job is categorizing, so a cancelled or deleted job stores nothing more.
    private async Task<bool> SaveAsync(
        string jobId, IReadOnlyList<CategoryAssignment> assignments, Dictionary<string, int> indexOf,
        CategorizationUsage usage, CategorizationUsage stored, List<JobLogEntry> entries, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var results = assignments.Select(a => new ConversationResult
        {
            JobId = jobId,
            Index = indexOf[a.ConversationId],
            Status = a.Status,
            Category = a.Category,
            Engine = a.Engine,
            Model = a.Model,
            FailureReason = ChatOrganizerDb.Lengths.Fit(a.FailureReason, ChatOrganizerDb.Lengths.Reason),
            Confidence = a.Confidence,
            Reason = ChatOrganizerDb.Lengths.Fit(a.Reason, ChatOrganizerDb.Lengths.Explanation),
            At = now,
        }).ToList();
        var categorized = results.Count(r => r.Status == CategorizationStatus.Categorized);
        var failed = results.Count - categorized;
        var requests = usage.Requests - stored.Requests;
        var retries = usage.Retries - stored.Retries;
        var input = usage.InputTokens - stored.InputTokens;
        var output = usage.OutputTokens - stored.OutputTokens;

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var counted = await db.Jobs
            .Where(j => j.Id == jobId && j.Status == JobStatus.Categorizing)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Categorized, j => j.Categorized + categorized)
                .SetProperty(j => j.Failed, j => j.Failed + failed)
                .SetProperty(j => j.Requests, j => j.Requests + requests)
                .SetProperty(j => j.Retries, j => j.Retries + retries)
                .SetProperty(j => j.InputTokens, j => j.InputTokens + input)
                .SetProperty(j => j.OutputTokens, j => j.OutputTokens + output), cancellationToken);
        if (counted == 0) return false;

        db.Results.AddRange(results);
        db.JobLog.AddRange(entries);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    // A digest's id must be unique in a run: the export's id, or its position when the export gives none (or gives one twice).
    internal static string DigestKey(string? conversationId, int index, IReadOnlyDictionary<string, int> taken) =>
        conversationId is { } id && !taken.ContainsKey(id) ? id : $"index:{index}";

    // What a person reads in the log: which conversations and what happened; never a key or conversation text.
    private JobLogEntry? Describe(string jobId, WorkItem item, CategorizationEvent e, Dictionary<string, int> indexOf) => e switch
    {
        // Once a job, not once per work item: the first work item says it (in words; found anew or remembered).
        CategorizationEvent.ResponseModeChosen chosen when item.Number == 0 => log.Entry(jobId, JobLogLevel.Info, chosen.Sentence),
        CategorizationEvent.UsageNotReported unreported when item.Number == 0 => log.Entry(jobId, JobLogLevel.Info, unreported.Sentence),
        CategorizationEvent.RetryScheduled retry => log.Entry(jobId, JobLogLevel.Warning,
            $"A request for {retry.Conversations} conversations failed ({retry.Reason}); retrying in {retry.Delay.TotalSeconds:0.#} s (attempt {retry.Attempt + 1})."),
        CategorizationEvent.AnswerIncomplete incomplete => log.Entry(jobId, JobLogLevel.Warning,
            $"The model's answer left out or misfiled {incomplete.Conversations} conversations ({incomplete.Reason}); asking again for {incomplete.AskingAgain}."),
        CategorizationEvent.ConversationFailed failed => log.Entry(jobId, JobLogLevel.Error,
            $"Conversation #{indexOf.GetValueOrDefault(failed.ConversationId)} ({failed.ConversationId}) could not be categorized: {failed.Reason}"),
        _ => null,
    };

    private static List<JobLogEntry> Drain(ConcurrentQueue<JobLogEntry> queue)
    {
        var entries = new List<JobLogEntry>();
        while (queue.TryDequeue(out var entry)) entries.Add(entry);
        return entries;
    }
}
