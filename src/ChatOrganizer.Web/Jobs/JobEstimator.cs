using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// What categorizing a read job would send, before anything is sent: the engine's own estimate (requests, tokens,
// price, what the cache already answers) over the digests stored while reading. The page of a job that waits to be
// started shows it.
public sealed class JobEstimator(ChatOrganizerDb db, BatchCategorizer categorizer, ApiKeyProtector keys)
{
    // Returns Null when the job is not this session's, or not a topic job.
    public async Task<JobEstimate?> EstimateAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.OwnerId == ownerId && j.Mode == JobMode.Topic)
            .Select(j => new { j.CategorySetId, j.CategorySetJson, j.Engine, j.Model, j.ProtectedApiKey })
            .FirstOrDefaultAsync(cancellationToken);
        if (job?.CategorySetJson is null) return null;

        // Only what the estimate reads (id, hash, tokens): the digests' text stays in the database. Conversations
        // failed while reading already have their result and are not sent.
        var stored = await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && !db.Results.Any(r => r.JobId == jobId && r.Index == c.Index))
            .OrderBy(c => c.Index)
            .Select(c => new { c.Index, c.ConversationId, c.DigestTokens, c.DigestHash })
            .ToListAsync(cancellationToken);
        var taken = new Dictionary<string, int>(StringComparer.Ordinal);
        var digests = new List<ConversationDigest>(stored.Count);
        foreach (var c in stored)
        {
            var key = WorkItemCategorizer.DigestKey(c.ConversationId, c.Index, taken);
            taken[key] = c.Index;
            digests.Add(new ConversationDigest(key, "", "", c.DigestTokens, c.DigestHash ?? ""));
        }

        var apiKey = job.ProtectedApiKey is null ? null : keys.UnprotectForJob(job.ProtectedApiKey, jobId);
        var run = new CategorizationRun
        {
            ApiKey = apiKey, Model = job.Model, Offline = job.Engine == CategorizationEngine.Offline,
            // The examples the run will show cost tokens too.
            Examples = job.CategorySetId is null ? [] : await Results.Corrections.ExamplesAsync(db, ownerId, job.CategorySetId, cancellationToken),
        };
        var cost = await categorizer.EstimateAsync(digests, CategorySetService.FromSnapshot(job.CategorySetJson), run, cancellationToken);
        return new JobEstimate(cost, KeyExpired: job.ProtectedApiKey is not null && apiKey is null);
    }
}

// KeyExpired: The person's key, kept for this job, has expired: starting would fail, so the page asks for a new upload.
public sealed record JobEstimate(CostEstimate Cost, bool KeyExpired);
