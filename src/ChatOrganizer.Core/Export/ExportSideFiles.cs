namespace ChatOrganizer.Export;

// What an export's side files say, as small summaries; large side files are streamed, never held whole.
// User: user.json; null when the export has none.
// MessageFeedback: message_feedback.json: thumbs up and down given in ChatGPT; null when absent.
// ModelComparisonCount: Entries of model_comparisons.json ("which answer is better?"); null when absent.
// SharedConversations: shared_conversations.json: conversations shared by link; null when absent.
public sealed record ExportSideFiles(
    UserSummary? User,
    FeedbackSummary? MessageFeedback,
    int? ModelComparisonCount,
    IReadOnlyList<SharedConversation>? SharedConversations)
{
    public static ExportSideFiles None { get; } = new(null, null, null, null);
}

// The account an export belongs to. Email and phone number are deliberately not kept.
// IsPlusUser: chatgpt_plus_user; null when the file does not say.
public sealed record UserSummary(string? Id, bool? IsPlusUser);

// Count: Feedback entries in the file.
// ByConversation: Ratings per conversation id.
public sealed record FeedbackSummary(int Count, IReadOnlyDictionary<string, FeedbackCounts> ByConversation);

// Other: Ratings other than thumbsUp and thumbsDown.
public sealed record FeedbackCounts(int ThumbsUp, int ThumbsDown, int Other);

// ShareId: The share's own id (the link), not the conversation's.
public sealed record SharedConversation(string? ShareId, string? ConversationId, string? Title, bool IsAnonymous);
