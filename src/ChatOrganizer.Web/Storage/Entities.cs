using ChatOrganizer.Categorization;

namespace ChatOrganizer.Web.Storage;

// The stored model. Times are UTC DateTime (not DateTimeOffset): SQLite can compare and order them
// as text, PostgreSQL stores them as timestamptz.

// One uploaded export and what became of it. Counters are updated in the database, never read-modify-write.
public sealed class Job
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required JobMode Mode { get; init; }
    public JobStatus Status { get; set; } = JobStatus.Queued;
    public required string FileName { get; init; }
    public long UploadBytes { get; set; }
    public long BytesRead { get; set; }

    // The set as it was when the job started (JSON), so editing or deleting it later changes nothing here.
    public string? CategorySetId { get; init; }
    public string? CategorySetName { get; init; }
    public string? CategorySetJson { get; init; }
    // Topic jobs: the model, or null when the offline categorizer decides (Engine).
    public string? Model { get; init; }

    // Topic jobs: decided when the job is created (a key or none) and kept for all its work items.
    public CategorizationEngine? Engine { get; init; }

    // A person's own key, encrypted for this job only; cleared when the job ends.
    public string? ProtectedApiKey { get; set; }

    // Topic jobs with a model: once read, wait with the cost estimate until the person starts categorizing (the upload
    // page asks this by default; the API starts at once).
    public bool WaitForStart { get; init; }

    public int Read { get; set; }

    // Month and year jobs: of the conversations read, how many have their transcript (the viewer, the transcripts
    // download), vector and search rows stored. Such a job is done once its conversations' summaries are stored, which is
    // all its results need, and its read step then stores the rest behind (ReadExportStep): until Prepared reaches Read
    // the job is preparing, and what needs those rows waits for them (JobPreparation). Null when each conversation was
    // stored whole at once (topic and discover jobs, and jobs read before this).
    public int? Prepared { get; set; }
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

    // Re-imports: of the conversations read, how many an earlier job of this session had already, unchanged
    // (KnownConversations), how many it had in another version (ChangedConversations), and how
    // many it did not have; ReusedResults of the unchanged ones took their category from it, with no request.
    public int KnownConversations { get; set; }
    public int NewConversations { get; set; }
    public int ChangedConversations { get; set; }
    public int ReusedResults { get; set; }

    // The read step's claim (Web.Jobs.StepLeases): who is reading the export, and until when unless renewed.
    public string? ReadLeaseOwner { get; set; }
    public DateTime? ReadLeaseExpiresAt { get; set; }

    // Hangfire's id of the background job queued to read the export, so a lost one can be told apart and queued again.
    public string? ReadBackgroundJobId { get; set; }

    // Discover jobs: the topics found, as the categories of a set a person can keep (JSON), set when the job ends.
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

    // No categories: the conversations' own topics are found by clustering their vectors.
    Discover,
}

public enum JobStatus
{
    Queued,
    Reading,

    // Read, with its estimate on the job page: categorizing waits for the person to start it (Job.WaitForStart).
    AwaitingStart,
    Categorizing,
    Finishing,
    Done,
    Failed,
    Cancelled,
}

// Id increases across all jobs: it is the ?after= cursor.
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

// A range of a job's conversations, categorized as one step on whichever instance picks it up.
public sealed class WorkItem
{
    public required string JobId { get; init; }
    public int Number { get; init; }
    public int FirstIndex { get; init; }

    // Exclusive.
    public int EndIndex { get; init; }

    public int Attempts { get; set; }
    public string? Instance { get; set; }
    public string? LastError { get; set; }
    public DateTime? CompletedAt { get; set; }

    // The step's claim (Web.Jobs.StepLeases): who is categorizing these conversations, and until when unless renewed.
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    // Hangfire's id of the background job queued for this work item, so a lost one can be told apart and queued again.
    public string? BackgroundJobId { get; set; }
}

// What the lists and the categorizer need of a conversation; the transcript is apart.
public sealed class StoredConversation
{
    public required string JobId { get; init; }

    // Position in export order: the key, since an export may give no id.
    public int Index { get; init; }

    public string? ConversationId { get; init; }
    public string? Title { get; init; }
    public DateTime? CreateTime { get; init; }
    public DateTime? UpdateTime { get; init; }
    public int MessageCount { get; init; }
    public string? Model { get; init; }
    public int Warnings { get; init; }

    // The start of the person's first message, on one line: the results page says what a conversation is about.
    public string? Snippet { get; init; }

    // What the categorizer reads (title and budgeted text), so work items never re-read the upload.
    public string? DigestTitle { get; init; }
    public string? DigestText { get; init; }
    public int DigestTokens { get; init; }
    public string? DigestHash { get; init; }

    // Of the title and the active path's messages: tells a changed conversation from one already seen (re-imports).
    public string? ContentHash { get; init; }

    // Whether an earlier job of the session had it; null when it has no id to know it by.
    public ConversationHistory? History { get; set; }

    // Month and year jobs: where the conversation's bytes are in the upload (its file in the export, the offset there
    // and the length), so that the viewer can read it again before the second pass has stored its transcript (Job.Prepared).
    public string? SourceFile { get; init; }
    public long SourceOffset { get; init; }
    public long SourceLength { get; init; }
}

// What a conversation was to the session when it was read, against its earlier jobs.
public enum ConversationHistory
{
    New,
    Changed,
    Known,
}

// One searchable text of a conversation: its title (Ordinal 0) or a visible message of its active path
// (1, 2, ... with its node, the viewer's anchor). The full-text index is built over these rows by the database (SQLite:
// FTS5 tables filled behind the read step by SearchIndexer, emptied by a trigger; PostgreSQL: indexes), see Web.Search.SearchQuery.
public sealed class SearchEntry
{
    public long Id { get; init; }
    public required string JobId { get; init; }
    public int Index { get; init; }
    public int Ordinal { get; init; }
    public string? NodeId { get; init; }
    public required string Text { get; init; }

    // The words a trigram index cannot find (shorter than three characters): CJK bigrams, short Latin words.
    public string? ShortTerms { get; init; }
}

// A conversation's offline embedding, one signed byte per dimension (QuantizedVectors), for "similar conversations".
public sealed class ConversationVector
{
    public required string JobId { get; init; }
    public int Index { get; init; }
    public required byte[] Vector { get; init; }
}

// The viewer's transcript: JSON, Brotli-compressed.
public sealed class ConversationTranscript
{
    public required string JobId { get; init; }
    public int Index { get; init; }
    public required byte[] Content { get; init; }
}

// A file the export ZIP held beside its conversations (an image, an upload), kept on disk with the job: DataFolder.AttachmentPath.
public sealed class JobAttachment
{
    public required string JobId { get; init; }
    public int Number { get; init; }

    // Where the export held it (dalle-generations/file-....webp); never used as a path on this server.
    public required string ExportPath { get; init; }

    // Decided once from the file's first bytes and its name; what it is served as.
    public required string ContentType { get; init; }

    public long Bytes { get; init; }

    // An image's size in pixels, from its header; null for other files or a header that does not say.
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

    // How sure the engine was (0 to 1); the offline categorizer gives one, a model does not.
    public double? Confidence { get; init; }

    // Why it was filed there, for a person ("closest to Travel (0.62); words: 여행, 비자, Osaka").
    public string? Reason { get; init; }

    // Taken from an earlier job of the session that had this conversation unchanged: no request was made for it.
    public bool Reused { get; init; }

    public DateTime At { get; init; }
}

public sealed class SavedCategorySet
{
    public required string Id { get; init; }
    public required string OwnerId { get; init; }
    public required string Name { get; set; }

    // The categories as JSON: a set is always read and written whole.
    public required string CategoriesJson { get; set; }

    public bool AllowNewCategories { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
}

// The response mode an endpoint and model were found to answer in (see IResponseModeStore).
public sealed class RememberedResponseMode
{
    public required string Endpoint { get; init; }
    public required string Model { get; init; }
    public ResponseMode Mode { get; set; }

    // Not yet seen to answer: the mode the next run tries once (see RememberedMode.Settled).
    public bool Tentative { get; set; }

    public DateTime DecidedAt { get; set; }
}

// A category the model gave; the key says what was asked, so a changed question misses.
public sealed class CachedCategory
{
    public required string ConversationId { get; init; }
    public required string DigestHash { get; init; }
    public required string CategorySetHash { get; init; }
    public required string Model { get; init; }
    public required string Category { get; init; }
    public DateTime CreatedAt { get; init; }
}

// A one-time code that carries a session to another browser ("Your session" page). Only the code's SHA-256 is kept,
// so neither the database nor a backup can open the session; it expires, and is used at most once.
public sealed class SessionHandoff
{
    public required string CodeHash { get; init; }
    public required string OwnerId { get; init; }
    public DateTime CreatedAt { get; init; }
    public DateTime ExpiresAt { get; init; }
    public DateTime? UsedAt { get; set; }
}

// A category a person chose for a conversation, kept for the session by the export's conversation id and the set, so it
// wins over the engine in this job and in every later job of that session with the same set (a newer export, a re-run).
public sealed class Correction
{
    public required string OwnerId { get; init; }
    public required string CategorySetId { get; init; }
    public required string ConversationId { get; init; }
    public required string Category { get; set; }

    // The person's earlier choice this one replaced, put back by an undo; null when the engine's stood before.
    public string? PreviousCategory { get; set; }

    // The action that made it (one form post, one API call): an undo takes back all of one action at once.
    public required string Batch { get; set; }

    // What the categorizer read of it, so it teaches later runs even after its job is deleted.
    public string? DigestTitle { get; set; }
    public string? DigestText { get; set; }

    public DateTime CorrectedAt { get; set; }
}
