namespace ChatOrganizer.Export;

// Something wrong in an export, said precisely enough to find it with a text editor.
// File: File inside the export, e.g. conversations.json.
// Index: Conversation index in export order; null for file-level findings.
// ConversationId: The conversation's id when it could be read.
// JsonPath: Where in the conversation, e.g. $.mapping['abc'].message.create_time.
// Reason: A sentence a person understands.
public sealed record Diagnostic(
    DiagnosticSeverity Severity,
    string File,
    int? Index,
    string? ConversationId,
    string? JsonPath,
    string Reason)
{
    // Where and why, without the severity: for logs that show the severity on their own.
    public string Describe()
    {
        var where = Index is { } i ? $"{File} #{i}" : File;
        if (ConversationId is not null) where += $" ({ConversationId})";
        if (JsonPath is not null) where += $" at {JsonPath}";
        return $"{where}: {Reason}";
    }

    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}: {Describe()}";
}

// Warning: read, with a guess or a gap. Error: part of the conversation could not be read.
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

// The input cannot be read as an export at all: not JSON, not an export, truncated.
// Everything produced before it was thrown is valid; the message says where reading stopped.
public sealed class ExportFormatException(string message, string? file = null, long? byteOffset = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string? File { get; } = file;
    public long? ByteOffset { get; } = byteOffset;
}
