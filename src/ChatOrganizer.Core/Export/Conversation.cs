namespace ChatOrganizer.Export;

/// <summary>One conversation as read from an export, with whatever went wrong reading it.</summary>
/// <remarks>
/// A damaged conversation is still produced: what could be read is here, and
/// <see cref="Diagnostics"/> says what could not (file, index, id, JSON path, reason).
/// </remarks>
public sealed record Conversation
{
    /// <summary>Where the conversation sits in the export: shard file and index in export order.</summary>
    public required ConversationLocation Location { get; init; }

    /// <summary><c>id</c>, else <c>conversation_id</c>; null only when the export gives neither.</summary>
    public required string? Id { get; init; }

    /// <summary>Null when the export says null: ChatGPT had not named the conversation yet.</summary>
    public string? Title { get; init; }

    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }
    public string? DefaultModel { get; init; }

    /// <summary>Custom GPT (<c>gizmo_id</c>, e.g. <c>g-abc123</c>) and its kind (<c>gizmo_type</c>).</summary>
    public string? GizmoId { get; init; }
    public string? GizmoType { get; init; }

    public bool IsArchived { get; init; }
    public bool IsStarred { get; init; }

    /// <summary>False when the export holds no <c>mapping</c> for it (folders, projects, damage).</summary>
    public bool HasMapping { get; init; }

    public CustomInstructions? CustomInstructions { get; init; }
    public required MessageTree Tree { get; init; }
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    /// <summary>Messages of the active branch, root to leaf, hidden ones included.</summary>
    public IEnumerable<Message> ActiveMessages => Tree.ActiveMessages;

    /// <summary>The model it was held with: <c>default_model_slug</c>, else the last model a message names.</summary>
    public string? Model => DefaultModel ?? ActiveMessages.LastOrDefault(m => m.ModelSlug is not null)?.ModelSlug;
}

/// <param name="File">Name of the file inside the export (<c>conversations-001.json</c>, <c>chat.html</c>).</param>
/// <param name="Index">Position in export order, counted across shards from 0.</param>
public sealed record ConversationLocation(string File, int Index);

/// <param name="Source">
/// <see cref="CustomInstructionsSource.SystemMessage"/> for the 2023 form (a hidden system message with
/// <c>user_context_message_data</c>), <see cref="CustomInstructionsSource.UserEditableContext"/> for the newer one.
/// </param>
public sealed record CustomInstructions(string? AboutUser, string? AboutModel, CustomInstructionsSource Source);

public enum CustomInstructionsSource
{
    SystemMessage,
    UserEditableContext,
}
