namespace ChatOrganizer.Categorization;

/// <summary>What became of one conversation: a category from the set, or a failure with its reason.</summary>
/// <remarks>There is no silent "Uncategorized": a conversation is either filed under a category it was given, or failed.</remarks>
public sealed record CategoryAssignment(
    string ConversationId,
    CategorizationStatus Status,
    string? Category,
    CategorizationEngine Engine,
    string? Model,
    string? FailureReason)
{
    /// <summary>How sure the engine was, 0 to 1; null when it does not say (a model's answer).</summary>
    public double? Confidence { get; init; }

    /// <summary>
    /// Why it was filed there, in words a person reads ("closest to Travel (0.62); words: 여행, 비자, Osaka"); null when the
    /// engine gives none.
    /// </summary>
    public string? Reason { get; init; }
}

public enum CategorizationStatus
{
    Categorized,
    Failed,
}

/// <summary>Which engine decided, so a person knows whether a model or the offline scorer filed it.</summary>
public enum CategorizationEngine
{
    Model,
    Offline,
}
