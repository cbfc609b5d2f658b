namespace ChatOrganizer.Export;

/// <summary>Something wrong in an export, said precisely enough to find it with a text editor.</summary>
/// <param name="File">File inside the export, e.g. <c>conversations.json</c>.</param>
/// <param name="Index">Conversation index in export order; null for file-level findings.</param>
/// <param name="ConversationId">The conversation's id when it could be read.</param>
/// <param name="JsonPath">Where in the conversation, e.g. <c>$.mapping['abc'].message.create_time</c>.</param>
/// <param name="Reason">A sentence a person understands.</param>
public sealed record Diagnostic(
    DiagnosticSeverity Severity,
    string File,
    int? Index,
    string? ConversationId,
    string? JsonPath,
    string Reason)
{
    /// <summary>Where and why, without the severity: for logs that show the severity on their own.</summary>
    public string Describe()
    {
        var where = Index is { } i ? $"{File} #{i}" : File;
        if (ConversationId is not null) where += $" ({ConversationId})";
        if (JsonPath is not null) where += $" at {JsonPath}";
        return $"{where}: {Reason}";
    }

    public override string ToString() => $"{Severity.ToString().ToLowerInvariant()}: {Describe()}";
}

/// <summary>Warning: read, with a guess or a gap. Error: part of the conversation could not be read.</summary>
public enum DiagnosticSeverity
{
    Warning,
    Error,
}

/// <summary>The input cannot be read as an export at all: not JSON, not an export, truncated.</summary>
/// <remarks>Everything produced before it was thrown is valid; the message says where reading stopped.</remarks>
public sealed class ExportFormatException(string message, string? file = null, long? byteOffset = null, Exception? inner = null)
    : Exception(message, inner)
{
    public string? File { get; } = file;
    public long? ByteOffset { get; } = byteOffset;
}
