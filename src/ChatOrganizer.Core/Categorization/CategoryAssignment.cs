namespace ChatOrganizer.Categorization;

/// <summary>What became of one conversation: a category from the set, or a failure with its reason.</summary>
/// <remarks>There is no silent "Uncategorized": a conversation is either filed under a category it was given, or failed.</remarks>
public sealed record CategoryAssignment(
    string ConversationId,
    CategorizationStatus Status,
    string? Category,
    CategorizationEngine Engine,
    string? Model,
    string? FailureReason);

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
