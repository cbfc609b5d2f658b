using ChatOrganizer.Categorization;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// Re-imports: what the session's earlier jobs knew of conversations, by the export's conversation id. The read step
// asks it a batch at a time to tell new, changed and known conversations apart, and to reuse the categories of those
// that did not change. The one place that decides what an earlier result is worth (corrections, when kept per
// session, belong here too: a person's choice wins over an engine's).
public sealed class EarlierResults(IDbContextFactory<ChatOrganizerDb> dbs)
{
    // The latest earlier version of each id that another job of this session has, and what can be reused of it.
    // job: The job reading: its own rows are not "earlier", and only results filed the way it files (same set, engine and model) are reused.
    public async Task<Dictionary<string, EarlierConversation>> FindAsync(
        Job job, IReadOnlyCollection<(string Id, DateTime? UpdateTime, string? ContentHash)> conversations, CancellationToken cancellationToken)
    {
        var ids = conversations.Select(c => c.Id).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0) return [];

        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var rows = await (
            from c in db.Conversations.AsNoTracking()
            join j in db.Jobs on c.JobId equals j.Id
            where j.OwnerId == job.OwnerId && j.Id != job.Id && c.ConversationId != null && ids.Contains(c.ConversationId)
            join r in db.Results on new { c.JobId, c.Index } equals new { r.JobId, r.Index } into results
            from r in results.DefaultIfEmpty()
            select new
            {
                Id = c.ConversationId!,
                c.JobId,
                c.UpdateTime,
                c.ContentHash,
                j.CreatedAt,
                SameWay = j.CategorySetJson == job.CategorySetJson && j.Engine == job.Engine && j.Model == job.Model,
                Status = r == null ? (CategorizationStatus?)null : r.Status,
                Category = r == null ? null : r.Category,
                Confidence = r == null ? null : r.Confidence,
                Reason = r == null ? null : r.Reason,
                Engine = r == null ? (CategorizationEngine?)null : r.Engine,
                Model = r == null ? null : r.Model,
            }).ToListAsync(cancellationToken);

        var now = conversations.GroupBy(c => c.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var found = new Dictionary<string, EarlierConversation>(StringComparer.Ordinal);
        foreach (var versions in rows.GroupBy(r => r.Id, StringComparer.Ordinal))
        {
            var current = now[versions.Key];
            // Within a millisecond: PostgreSQL keeps microseconds, the export's float seconds may carry more.
            bool Same(DateTime? updateTime, string? contentHash) =>
                (updateTime, current.UpdateTime) switch
                {
                    (null, null) => true,
                    ({ } before, { } after) => Math.Abs((before - after).TotalMilliseconds) < 1,
                    _ => false,
                } && (contentHash is null || contentHash == current.ContentHash);

            var latest = versions.OrderByDescending(v => v.CreatedAt).First();
            var reusable = job.Mode != JobMode.Topic ? null : versions
                .Where(v => v.SameWay && v.Status == CategorizationStatus.Categorized && v.Category is not null && Same(v.UpdateTime, v.ContentHash))
                .OrderByDescending(v => v.CreatedAt)
                .Select(v => new EarlierResult(v.JobId, v.Category!, v.Engine!.Value, v.Model, v.Confidence, v.Reason))
                .FirstOrDefault();
            found[versions.Key] = new EarlierConversation(latest.JobId, Same(latest.UpdateTime, latest.ContentHash), reusable);
        }
        return found;
    }
}

// Unchanged: The latest earlier version has the same update time and text.
// Reusable: An earlier category of this very version, filed the way the new job files: taken instead of asking again.
public sealed record EarlierConversation(string JobId, bool Unchanged, EarlierResult? Reusable);

public sealed record EarlierResult(string JobId, string Category, CategorizationEngine Engine, string? Model, double? Confidence, string? Reason);
