namespace ChatOrganizer.Export;

// One conversation as read from an export, with whatever went wrong reading it.
//
// A damaged conversation is still produced: what could be read is here, and
// Diagnostics says what could not (file, index, id, JSON path, reason).
public sealed record Conversation
{
    // Where the conversation sits in the export: shard file and index in export order.
    public required ConversationLocation Location { get; init; }

    // id, else conversation_id; null only when the export gives neither.
    public required string? Id { get; init; }

    // Null when the export says null: ChatGPT had not named the conversation yet.
    public string? Title { get; init; }

    public DateTimeOffset? CreateTime { get; init; }
    public DateTimeOffset? UpdateTime { get; init; }
    public string? DefaultModel { get; init; }

    // Custom GPT (gizmo_id, e.g. g-abc123) and its kind (gizmo_type).
    public string? GizmoId { get; init; }
    public string? GizmoType { get; init; }

    public bool IsArchived { get; init; }
    public bool IsStarred { get; init; }

    // False when the export holds no mapping for it (folders, projects, damage).
    public bool HasMapping { get; init; }

    public CustomInstructions? CustomInstructions { get; init; }
    public required MessageTree Tree { get; init; }
    public IReadOnlyList<Diagnostic> Diagnostics { get; init; } = [];

    // Messages of the active branch, root to leaf, hidden ones included.
    public IEnumerable<Message> ActiveMessages => Tree.ActiveMessages;

    // The model it was held with: default_model_slug, else the last model a message names.
    public string? Model => DefaultModel ?? ActiveMessages.LastOrDefault(m => m.ModelSlug is not null)?.ModelSlug;
}

// File: Name of the file inside the export (conversations-001.json, chat.html).
// Index: Position in export order, counted across shards from 0.
public sealed record ConversationLocation(string File, int Index)
{
    // The conversation's bytes in File (inflated, in a ZIP): where ExportReader.ReadConversationAsync finds it again.
    // Length is 0 for one that was skipped for breaking a limit, or that is not an object.
    public long Offset { get; init; }
    public long Length { get; init; }
}

// Source:
// CustomInstructionsSource.SystemMessage for the 2023 form (a hidden system message with
// user_context_message_data), CustomInstructionsSource.UserEditableContext for the newer one.
public sealed record CustomInstructions(string? AboutUser, string? AboutModel, CustomInstructionsSource Source);

public enum CustomInstructionsSource
{
    SystemMessage,
    UserEditableContext,
}
