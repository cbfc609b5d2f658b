using ChatOrganizer.Categorization;

namespace ChatOrganizer.Web.Storage;

// The stored model. Times are UTC DateTime (not DateTimeOffset): SQLite can compare and order them
// as text, PostgreSQL stores them as timestamptz.

/// <summary>One uploaded export and what became of it. Counters are updated in the database, never read-modify-write.</summary>
public sealed class Job
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required JobMode Mode { get; init; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    public required string FileName { get; init; }
    public long UploadBytes { get; set; }
    public long BytesRead { get; set; }

    /// <summary>The set as it was when the job started (JSON), so editing or deleting it later changes nothing here.</summary>
    public string? CategorySetId { get; init; }
    public string? CategorySetName { get; init; }
    public string? CategorySetJson { get; init; }
    /// <summary>Topic jobs: the model, or null when the offline categorizer decides (<see cref="Engine"/>).</summary>
    public string? Model { get; init; }

    /// <summary>Topic jobs: decided when the job is created (a key or none) and kept for all its work items.</summary>
    public CategorizationEngine? Engine { get; init; }

    /// <summary>A person's own key, encrypted for this job only; cleared when the job ends.</summary>
    public string? ProtectedApiKey { get; set; }

    /// <summary>
    /// Topic jobs with a model: once read, wait with the cost estimate until the person starts categorizing (the upload
    /// page asks this by default; the API starts at once).
    /// </summary>
    public bool WaitForStart { get; init; }

    public int Read { get; set; }
    public int? Total { get; set; }
    public int Categorized { get; set; }
    public int Failed { get; set; }
    public int Requests { get; set; }
    public int Retries { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public int WorkItems { get; set; }
    public int ReadAttempts { get; set; }
    public string? FailureReason { get; set; }

    /// <summary>
    /// Re-imports: of the conversations read, how many an earlier job of this session had already, unchanged
    /// (<see cref="KnownConversations"/>), how many it had in another version (<see cref="ChangedConversations"/>), and how
    /// many it did not have; <see cref="ReusedResults"/> of the unchanged ones took their category from it, with no request.
    /// </summary>
    public int KnownConversations { get; set; }
    public int NewConversations { get; set; }
    public int ChangedConversations { get; set; }
    public int ReusedResults { get; set; }

    /// <summary>The read step's claim (<see cref="Web.Jobs.StepLeases"/>): who is reading the export, and until when unless renewed.</summary>
    public string? ReadLeaseOwner { get; set; }
    public DateTime? ReadLeaseExpiresAt { get; set; }

    /// <summary>Hangfire's id of the background job queued to read the export, so a lost one can be told apart and queued again.</summary>
    public string? ReadBackgroundJobId { get; set; }

    /// <summary>Discover jobs: the topics found, as the categories of a set a person can keep (JSON), set when the job ends.</summary>
    public string? DiscoveredTopicsJson { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; set; }
    public DateTime? CategorizingStartedAt { get; set; }
    public DateTime? FinishedAt { get; set; }
    public DateTime? ExpiresAt { get; set; }
}

public enum JobMode
{
    Topic,
    Month,
    Year,

    /// <summary>No categories: the conversations' own topics are found by clustering their vectors.</summary>
    Discover,
}

public enum JobStatus
{
    Queued,
    Reading,

    /// <summary>Read, with its estimate on the job page: categorizing waits for the person to start it (<see cref="Job.WaitForStart"/>).</summary>
    AwaitingStart,
    Categorizing,
    Finishing,
    Done,
    Failed,
    Cancelled,
}

/// <remarks><see cref="Id"/> increases across all jobs: it is the <c>?after=</c> cursor.</remarks>
public sealed class JobLogEntry
{
    public long Id { get; init; }
    public required string JobId { get; init; }
    public DateTime At { get; init; }
    public JobLogLevel Level { get; init; }
    public required string Message { get; init; }
}

public enum JobLogLevel
{
    Info,
    Warning,
    Error,
}

/// <summary>A range of a job's conversations, categorized as one step on whichever instance picks it up.</summary>
public sealed class WorkItem
{
    public required string JobId { get; init; }
    public int Number { get; init; }
    public int FirstIndex { get; init; }

    /// <summary>Exclusive.</summary>
    public int EndIndex { get; init; }

    public int Attempts { get; set; }
    public string? Instance { get; set; }
    public string? LastError { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>The step's claim (<see cref="Web.Jobs.StepLeases"/>): who is categorizing these conversations, and until when unless renewed.</summary>
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>Hangfire's id of the background job queued for this work item, so a lost one can be told apart and queued again.</summary>
    public string? BackgroundJobId { get; set; }
}

/// <summary>What the lists and the categorizer need of a conversation; the transcript is apart.</summary>
public sealed class StoredConversation
{
    public required string JobId { get; init; }

    /// <summary>Position in export order: the key, since an export may give no id.</summary>
    public int Index { get; init; }

    public string? ConversationId { get; init; }
    public string? Title { get; init; }
    public DateTime? CreateTime { get; init; }
    public DateTime? UpdateTime { get; init; }
    public int MessageCount { get; init; }
    public string? Model { get; init; }
    public int Warnings { get; init; }

    /// <summary>The start of the person's first message, on one line: the results page says what a conversation is about.</summary>
    public string? Snippet { get; init; }

    /// <summary>What the categorizer reads (title and budgeted text), so work items never re-read the upload.</summary>
    public string? DigestTitle { get; init; }
    public string? DigestText { get; init; }
    public int DigestTokens { get; init; }
    public string? DigestHash { get; init; }

    /// <summary>Of the title and the active path's messages: tells a changed conversation from one already seen (re-imports).</summary>
    public string? ContentHash { get; init; }

    /// <summary>Whether an earlier job of the session had it; null when it has no id to know it by.</summary>
    public ConversationHistory? History { get; set; }
}

/// <summary>What a conversation was to the session when it was read, against its earlier jobs.</summary>
public enum ConversationHistory
{
    New,
    Changed,
    Known,
}

/// <summary>
/// One searchable text of a conversation: its title (<see cref="Ordinal"/> 0) or a visible message of its active path
/// (1, 2, ... with its node, the viewer's anchor). The full-text index is built over these rows by the database itself
/// (SQLite: FTS5 tables kept in step by triggers; PostgreSQL: indexes), see <see cref="Web.Search.SearchQuery"/>.
/// </summary>
public sealed class SearchEntry
{
    public long Id { get; init; }
    public required string JobId { get; init; }
    public int Index { get; init; }
    public int Ordinal { get; init; }
    public string? NodeId { get; init; }
    public required string Text { get; init; }

    /// <summary>The words a trigram index cannot find (shorter than three characters): CJK bigrams, short Latin words.</summary>
    public string? ShortTerms { get; init; }
}

/// <summary>A conversation's offline embedding, one signed byte per dimension (<c>QuantizedVectors</c>), for "similar conversations".</summary>
public sealed class ConversationVector
{
    public required string JobId { get; init; }
    public int Index { get; init; }
    public required byte[] Vector { get; init; }
}

/// <summary>The viewer's transcript: JSON, Brotli-compressed.</summary>
public sealed class ConversationTranscript
{
    public required string JobId { get; init; }
    public int Index { get; init; }
    public required byte[] Content { get; init; }
}

/// <summary>A file the export ZIP held beside its conversations (an image, an upload), kept on disk with the job: <see cref="DataFolder.AttachmentPath"/>.</summary>
public sealed class JobAttachment
{
    public required string JobId { get; init; }
    public int Number { get; init; }

    /// <summary>Where the export held it (<c>dalle-generations/file-....webp</c>); never used as a path on this server.</summary>
    public required string ExportPath { get; init; }

    /// <summary>Decided once from the file's first bytes and its name; what it is served as.</summary>
    public required string ContentType { get; init; }

    public long Bytes { get; init; }

    /// <summary>An image's size in pixels, from its header; null for other files or a header that does not say.</summary>
    public int? Width { get; init; }

    public int? Height { get; init; }
}

public sealed class ConversationResult
{
    public required string JobId { get; init; }
    public int Index { get; init; }
    public CategorizationStatus Status { get; init; }
    public string? Category { get; init; }
    public CategorizationEngine Engine { get; init; }
    public string? Model { get; init; }
    public string? FailureReason { get; init; }

    /// <summary>How sure the engine was (0 to 1); the offline categorizer gives one, a model does not.</summary>
    public double? Confidence { get; init; }

    /// <summary>Why it was filed there, for a person ("closest to Travel (0.62); words: 여행, 비자, Osaka").</summary>
    public string? Reason { get; init; }

    /// <summary>Taken from an earlier job of the session that had this conversation unchanged: no request was made for it.</summary>
    public bool Reused { get; init; }

    public DateTime At { get; init; }
}

public sealed class SavedCategorySet
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Name { get; set; }

    /// <summary>The categories as JSON: a set is always read and written whole.</summary>
    public required string CategoriesJson { get; set; }

    public bool AllowNewCategories { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

/// <summary>The response mode an endpoint and model were found to answer in (see <see cref="IResponseModeStore"/>).</summary>
public sealed class RememberedResponseMode
{
    public required string Endpoint { get; init; }
    public required string Model { get; init; }
    public ResponseMode Mode { get; set; }

    /// <summary>Not yet seen to answer: the mode the next run tries once (see <see cref="RememberedMode.Settled"/>).</summary>
    public bool Tentative { get; set; }

    public DateTime DecidedAt { get; set; }
}

/// <summary>A category the model gave; the key says what was asked, so a changed question misses.</summary>
public sealed class CachedCategory
{
    public required string ConversationId { get; init; }
    public required string DigestHash { get; init; }
    public required string CategorySetHash { get; init; }
    public required string Model { get; init; }
    public required string Category { get; init; }
    public DateTime CreatedAt { get; init; }
}

/// <summary>
/// A one-time code that carries a session to another browser ("Your session" page). Only the code's SHA-256 is kept,
/// so neither the database nor a backup can open the session; it expires, and is used at most once.
/// </summary>
public sealed class SessionHandoff
{
    public required string CodeHash { get; init; }
    public required string OwnerId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? UsedAt { get; set; }
}

/// <summary>
/// A category a person chose for a conversation, kept for the session by the export's conversation id and the set, so it
/// wins over the engine in this job and in every later job of that session with the same set (a newer export, a re-run).
/// </summary>
public sealed class Correction
{
    public required string OwnerId { get; init; }
    public required string CategorySetId { get; init; }
    public required string ConversationId { get; init; }
    public required string Category { get; set; }

    /// <summary>The person's earlier choice this one replaced, put back by an undo; null when the engine's stood before.</summary>
    public string? PreviousCategory { get; set; }

    /// <summary>The action that made it (one form post, one API call): an undo takes back all of one action at once.</summary>
    public required string Batch { get; set; }

    /// <summary>What the categorizer read of it, so it teaches later runs even after its job is deleted.</summary>
    public string? DigestTitle { get; set; }
    public string? DigestText { get; set; }

    public DateTime CorrectedAt { get; set; }
}
