namespace ChatOrganizer.Export;

/// <summary>What an export's side files say, as small summaries; large side files are streamed, never held whole.</summary>
/// <param name="User"><c>user.json</c>; null when the export has none.</param>
/// <param name="MessageFeedback"><c>message_feedback.json</c>: thumbs up and down given in ChatGPT; null when absent.</param>
/// <param name="ModelComparisonCount">Entries of <c>model_comparisons.json</c> ("which answer is better?"); null when absent.</param>
/// <param name="SharedConversations"><c>shared_conversations.json</c>: conversations shared by link; null when absent.</param>
public sealed record ExportSideFiles(
    UserSummary? User,
    FeedbackSummary? MessageFeedback,
    int? ModelComparisonCount,
    IReadOnlyList<SharedConversation>? SharedConversations)
{
    public static ExportSideFiles None { get; } = new(null, null, null, null);
}

/// <summary>The account an export belongs to. Email and phone number are deliberately not kept.</summary>
/// <param name="IsPlusUser"><c>chatgpt_plus_user</c>; null when the file does not say.</param>
public sealed record UserSummary(string? Id, bool? IsPlusUser);

/// <param name="Count">Feedback entries in the file.</param>
/// <param name="ByConversation">Ratings per conversation id.</param>
public sealed record FeedbackSummary(int Count, IReadOnlyDictionary<string, FeedbackCounts> ByConversation);

/// <param name="Other">Ratings other than <c>thumbsUp</c> and <c>thumbsDown</c>.</param>
public sealed record FeedbackCounts(int ThumbsUp, int ThumbsDown, int Other);

/// <param name="ShareId">The share's own id (the link), not the conversation's.</param>
public sealed record SharedConversation(string? ShareId, string? ConversationId, string? Title, bool IsAnonymous);
