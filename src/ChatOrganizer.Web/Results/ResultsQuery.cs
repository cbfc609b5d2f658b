using ChatOrganizer.Categorization;
using ChatOrganizer.Results;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

/// <summary>A job's conversations grouped by topic, month or year, with counts; for the results page, the API and downloads.</summary>
public sealed class ResultsQuery(ChatOrganizerDb db)
{
    /// <summary>Null when the job does not exist or belongs to another session.</summary>
    public Task<JobResults?> GetAsync(string ownerId, string jobId, GroupBy groupBy, CancellationToken cancellationToken) =>
        GetAsync(ownerId, jobId, groupBy, titleContains: null, cancellationToken);

    /// <param name="titleContains">Only conversations whose title holds this text, ignoring case (the results page's filter).</param>
    public async Task<JobResults?> GetAsync(string ownerId, string jobId, GroupBy groupBy, string? titleContains, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.OwnerId == ownerId)
            .Select(j => new { j.Status, j.Mode })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null) return null;

        var conversations = await ListConversations(jobId).ToListAsync(cancellationToken);
        if (!string.IsNullOrWhiteSpace(titleContains))
        {
            // Filtered here rather than in SQL: the same case-insensitive match on SQLite and PostgreSQL.
            conversations = conversations.FindAll(c => c.Title?.Contains(titleContains.Trim(), StringComparison.OrdinalIgnoreCase) == true);
        }
        var failed = conversations.Where(c => c.Status == CategorizationStatus.Failed).ToList();
        var groups = groupBy switch
        {
            GroupBy.Topic => Group(conversations.Where(c => c.Status == CategorizationStatus.Categorized), c => (c.Category!, c.Category!))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Label, StringComparer.OrdinalIgnoreCase),
            GroupBy.Month => Group(conversations, c => Key(Period.MonthOf(c.CreateTime))).OrderBy(g => g.Key, StringComparer.Ordinal),
            _ => Group(conversations, c => Key(Period.YearOf(c.CreateTime))).OrderBy(g => g.Key, StringComparer.Ordinal),
        };
        var pending = conversations.Count(c => c.Status is null);
        return new JobResults(jobId, job.Status, job.Mode, groupBy, conversations.Count, pending, [.. groups], failed);
    }

    /// <summary>A job's conversations from <paramref name="firstIndex"/> on, in export order, with their results; the caller has checked the owner.</summary>
    /// <param name="failedOnly">Only those that failed (the job page lists the first few with their reasons).</param>
    internal IQueryable<ResultConversation> ListConversations(string jobId, int firstIndex = 0, bool failedOnly = false) =>
        from c in db.Conversations.AsNoTracking()
        where c.JobId == jobId && c.Index >= firstIndex
        join r in db.Results on new { c.JobId, c.Index } equals new { r.JobId, r.Index } into results
        from r in results.DefaultIfEmpty()
        where !failedOnly || (r != null && r.Status == CategorizationStatus.Failed)
        orderby c.Index
        select new ResultConversation(
            c.Index, c.ConversationId, c.Title, c.CreateTime, c.MessageCount, c.Model,
            r == null ? null : r.Category,
            r == null ? null : r.Status,
            r == null ? null : r.Engine,
            r == null ? null : r.FailureReason,
            r == null ? null : r.Confidence,
            r == null ? null : r.Reason);

    private static IEnumerable<ResultGroup> Group(IEnumerable<ResultConversation> conversations, Func<ResultConversation, (string Key, string Label)> keyOf) =>
        conversations.GroupBy(keyOf).Select(g => new ResultGroup(
            g.Key.Key,
            g.Key.Label,
            g.Count(),
            [.. g.Where(c => c.Category is not null).GroupBy(c => c.Category!)
                .Select(c => new CategoryCount(c.Key, c.Count()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Category, StringComparer.OrdinalIgnoreCase)],
            [.. g]));

    private static (string Key, string Label) Key(Period period) => (period.Key, period.Label);
}

public enum GroupBy
{
    Topic,
    Month,
    Year,
}

/// <param name="Pending">Conversations read but not categorized yet (the job is still running).</param>
/// <param name="Failed">Conversations that could not be categorized, with their reasons; in no topic group.</param>
public sealed record JobResults(
    string JobId,
    JobStatus Status,
    JobMode Mode,
    GroupBy GroupBy,
    int Total,
    int Pending,
    IReadOnlyList<ResultGroup> Groups,
    IReadOnlyList<ResultConversation> Failed);

/// <param name="Key">Category name, <c>yyyy-MM</c>, <c>yyyy</c>, or <c>undated</c>.</param>
/// <param name="Categories">Counts per category inside the group (for month and year groups of a categorized job).</param>
public sealed record ResultGroup(string Key, string Label, int Count, IReadOnlyList<CategoryCount> Categories, IReadOnlyList<ResultConversation> Conversations);

public sealed record CategoryCount(string Category, int Count);

/// <param name="Index">Position in the export: how the API and the pages address a conversation.</param>
/// <param name="Status">Null while the conversation waits for its turn, and in month and year jobs.</param>
/// <param name="Confidence">How sure the engine was, 0 to 1 (the offline categorizer says; a model does not).</param>
/// <param name="Reason">Why it was filed there, for a person to read.</param>
public sealed record ResultConversation(
    int Index,
    string? Id,
    string? Title,
    DateTime? CreateTime,
    int MessageCount,
    string? Model,
    string? Category,
    CategorizationStatus? Status,
    CategorizationEngine? Engine,
    string? FailureReason,
    double? Confidence = null,
    string? Reason = null)
{
    /// <summary>As the CSV download writes it (the CLI's schema too).</summary>
    public ResultRow ToRow() => new(Index, Id, Title, CreateTime, MessageCount, Model, Category, Status, Engine, FailureReason, Confidence, Reason);
}
