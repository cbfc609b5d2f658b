namespace ChatOrganizer.Categorization;

// What became of one conversation: a category from the set, or a failure with its reason.
// There is no silent "Uncategorized": a conversation is either filed under a category it was given, or failed.
public sealed record CategoryAssignment(
    string ConversationId,
    CategorizationStatus Status,
    string? Category,
    CategorizationEngine Engine,
    string? Model,
    string? FailureReason)
{
    // How sure the engine was, 0 to 1; null when it does not say (a model's answer).
    public double? Confidence { get; init; }

    // Why it was filed there, in words a person reads ("closest to Travel (93% sure); words: 여행, 비자, Osaka"); null when the
    // engine gives none.
    public string? Reason { get; init; }
}

public enum CategorizationStatus
{
    Categorized,
    Failed,
}

// Which engine decided, so a person knows whether a model or the offline scorer filed it.
public enum CategorizationEngine
{
    Model,
    Offline,
}
