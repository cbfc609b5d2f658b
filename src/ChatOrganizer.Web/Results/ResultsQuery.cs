using ChatOrganizer.Categorization;
using ChatOrganizer.Results;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

// A job's conversations grouped by topic, month or year, with counts; for the results page, the API and downloads.
public sealed class ResultsQuery(ChatOrganizerDb db)
{
    // Null when the job does not exist or belongs to another session.
    public Task<JobResults?> GetAsync(string ownerId, string jobId, GroupBy groupBy, CancellationToken cancellationToken) =>
        GetAsync(ownerId, jobId, groupBy, titleContains: null, cancellationToken);

    // titleContains: Only conversations whose title holds this text, ignoring case (the results page's filter).
    // newOnly: Only conversations no earlier job of the session had as they are now (new and changed ones).
    public async Task<JobResults?> GetAsync(string ownerId, string jobId, GroupBy groupBy, string? titleContains, CancellationToken cancellationToken, bool newOnly = false)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.OwnerId == ownerId)
            .Select(j => new { j.Status, j.Mode, ReImport = j.KnownConversations + j.ChangedConversations > 0 })
            .FirstOrDefaultAsync(cancellationToken);
        if (job is null) return null;

        var conversations = await ListConversations(jobId).ToListAsync(cancellationToken);
        // Everything is new in a session's first upload of an export: "new" means something only on a re-import.
        if (!job.ReImport) conversations = conversations.ConvertAll(c => c.History is null ? c : c with { History = null });
        // Filtered here rather than in SQL: the same case-insensitive match on SQLite and PostgreSQL.
        conversations = conversations.FindAll(c => TitleHolds(c, titleContains));
        if (newOnly) conversations = conversations.FindAll(c => c.History is ConversationHistory.New or ConversationHistory.Changed);
        var failed = NewestFirst(conversations.Where(c => c.Status == CategorizationStatus.Failed)).ToList();
        var groups = groupBy switch
        {
            GroupBy.Topic => Group(conversations.Where(c => c.Status == CategorizationStatus.Categorized), c => (c.Category!, c.Category!))
                .OrderByDescending(g => g.Count).ThenBy(g => g.Label, StringComparer.OrdinalIgnoreCase),
            GroupBy.Month => NewestPeriodsFirst(Group(conversations, c => Key(Period.MonthOf(c.CreateTime)))),
            _ => NewestPeriodsFirst(Group(conversations, c => Key(Period.YearOf(c.CreateTime)))),
        };
        var pending = conversations.Count(c => c.Status is null);
        return new JobResults(jobId, job.Status, job.Mode, groupBy, conversations.Count, pending, [.. groups], failed);
    }

    // The conversations of the view's group that holds conversation, in the results page's order, and
    // the group's label: the viewer's previous and next. Only that group's rows are read, not the whole job's.
    //
    // conversation: Of the job, as the owner's session read it (the caller has checked the owner).
    // Returns Null when the conversation is in no group of the view (filtered out, or not categorized in a topic view).
    public async Task<(string Label, IReadOnlyList<ResultConversation> Conversations)?> GroupOfAsync(
        string jobId, GroupBy groupBy, string? titleContains, ResultConversation conversation, CancellationToken cancellationToken)
    {
        if (!TitleHolds(conversation, titleContains)) return null;
        (string? label, IQueryable<ResultConversation>? rows) = (groupBy, conversation) switch
        {
            (GroupBy.Topic, { Status: CategorizationStatus.Failed }) => (CouldNotBeCategorized, ListConversations(jobId, failedOnly: true)),
            (GroupBy.Topic, { Status: CategorizationStatus.Categorized, Category: { } category }) => (category, ListConversations(jobId, category: category)),
            (GroupBy.Topic, _) => ((string?)null, (IQueryable<ResultConversation>?)null),
            (_, { CreateTime: null }) => (Period.MonthOf(null).Label, ListConversations(jobId, undatedOnly: true)),
            (GroupBy.Month, { CreateTime: { } t }) => (Period.MonthOf(t).Label, ListConversations(jobId, createdFrom: new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc), createdBefore: new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddMonths(1))),
            (_, { CreateTime: { } t }) => (Period.YearOf(t).Label, ListConversations(jobId, createdFrom: new DateTime(t.Year, 1, 1, 0, 0, 0, DateTimeKind.Utc), createdBefore: new DateTime(t.Year + 1, 1, 1, 0, 0, 0, DateTimeKind.Utc))),
        };
        if (label is null || rows is null) return null;
        var listed = (await rows.ToListAsync(cancellationToken)).Where(c => TitleHolds(c, titleContains));
        return (label, [.. NewestFirst(listed)]);
    }

    // How the results page and the viewer name the conversations no category was found for.
    public const string CouldNotBeCategorized = "Could not be categorized";

    private static bool TitleHolds(ResultConversation conversation, string? titleContains) =>
        string.IsNullOrWhiteSpace(titleContains) || conversation.Title?.Contains(titleContains.Trim(), StringComparison.OrdinalIgnoreCase) == true;

    // A job's conversations from firstIndex on, in export order, with their results; the caller has checked the owner.
    // failedOnly: Only those that failed (the job page lists the first few with their reasons).
    // category: Only those filed under it.
    // createdFrom: With createdBefore: only those created in [createdFrom, createdBefore).
    // undatedOnly: Only those with no date.
    // A person's correction (same session, same set, same conversation id) wins over the engine's category.
    internal IQueryable<ResultConversation> ListConversations(
        string jobId, int firstIndex = 0, bool failedOnly = false, string? category = null, DateTime? createdFrom = null, DateTime? createdBefore = null, bool undatedOnly = false) =>
        from c in db.Conversations.AsNoTracking()
        where c.JobId == jobId && c.Index >= firstIndex
        where createdFrom == null || (c.CreateTime >= createdFrom && c.CreateTime < createdBefore)
        where !undatedOnly || c.CreateTime == null
        join j in db.Jobs on c.JobId equals j.Id
        join r in db.Results on new { c.JobId, c.Index } equals new { r.JobId, r.Index } into results
        from r in results.DefaultIfEmpty()
        join k in db.Corrections on new { j.OwnerId, SetId = j.CategorySetId, c.ConversationId }
            equals new { k.OwnerId, SetId = (string?)k.CategorySetId, ConversationId = (string?)k.ConversationId } into corrections
        from k in corrections.DefaultIfEmpty()
        where !failedOnly || (k == null && r != null && r.Status == CategorizationStatus.Failed)
        where category == null || (k != null ? k.Category == category : r != null && r.Status == CategorizationStatus.Categorized && r.Category == category)
        orderby c.Index
        select new ResultConversation(
            c.Index, c.ConversationId, c.Title, c.CreateTime, c.MessageCount, c.Model,
            k != null ? k.Category : r == null ? null : r.Category,
            k != null ? CategorizationStatus.Categorized : r == null ? null : r.Status,
            r == null ? null : r.Engine,
            k != null || r == null ? null : r.FailureReason,
            r == null ? null : r.Confidence,
            r == null ? null : r.Reason,
            c.Snippet,
            k != null,
            r == null ? null : r.Category,
            c.History,
            r != null && r.Reused);

    private static IEnumerable<ResultGroup> Group(IEnumerable<ResultConversation> conversations, Func<ResultConversation, (string Key, string Label)> keyOf) =>
        conversations.GroupBy(keyOf).Select(g => new ResultGroup(
            g.Key.Key,
            g.Key.Label,
            g.Count(),
            [.. g.Where(c => c.Category is not null).GroupBy(c => c.Category!)
                .Select(c => new CategoryCount(c.Key, c.Count()))
                .OrderByDescending(c => c.Count).ThenBy(c => c.Category, StringComparer.OrdinalIgnoreCase)],
            [.. NewestFirst(g)]));

    // Every list of conversations reads newest first, undated ones last, whatever order the export had.
    private static IEnumerable<ResultConversation> NewestFirst(IEnumerable<ResultConversation> conversations) =>
        conversations.OrderByDescending(c => c.CreateTime.HasValue).ThenByDescending(c => c.CreateTime).ThenBy(c => c.Index);

    private static IEnumerable<ResultGroup> NewestPeriodsFirst(IEnumerable<ResultGroup> periods) =>
        periods.OrderBy(g => g.Key == "undated").ThenByDescending(g => g.Key, StringComparer.Ordinal);

    private static (string Key, string Label) Key(Period period) => (period.Key, period.Label);
}

public enum GroupBy
{
    Topic,
    Month,
    Year,
}

// Pending: Conversations read but not categorized yet (the job is still running).
// Failed: Conversations that could not be categorized, with their reasons; in no topic group.
public sealed record JobResults(
    string JobId,
    JobStatus Status,
    JobMode Mode,
    GroupBy GroupBy,
    int Total,
    int Pending,
    IReadOnlyList<ResultGroup> Groups,
    IReadOnlyList<ResultConversation> Failed);

// Key: Category name, yyyy-MM, yyyy, or undated.
// Categories: Counts per category inside the group (for month and year groups of a categorized job).
public sealed record ResultGroup(string Key, string Label, int Count, IReadOnlyList<CategoryCount> Categories, IReadOnlyList<ResultConversation> Conversations);

public sealed record CategoryCount(string Category, int Count);

// Index: Position in the export: how the API and the pages address a conversation.
// Status: Null while the conversation waits for its turn, and in month and year jobs.
// Confidence: How sure the engine was, 0 to 1 (the offline categorizer says; a model does not).
// Reason: Why it was filed there, for a person to read.
// Snippet: The start of the person's first message, on one line.
// Corrected: A person chose Category (a correction); the engine's choice is EngineCategory.
// History: Re-imports: new to the session, changed since an earlier job, or known as it is.
// Reused: Its category was taken from an earlier job, with no request.
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
    string? Reason = null,
    string? Snippet = null,
    bool Corrected = false,
    string? EngineCategory = null,
    ConversationHistory? History = null,
    bool Reused = false)
{
    // As the CSV download writes it (the CLI's schema too).
    public ResultRow ToRow() => new(Index, Id, Title, CreateTime, MessageCount, Model, Category, Status, Engine, FailureReason, Confidence, Reason, Corrected, EngineCategory);
}
