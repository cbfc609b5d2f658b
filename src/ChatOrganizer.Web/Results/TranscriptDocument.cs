using System.IO.Compression;
using System.Text.Json;
using ChatOrganizer.Export;

namespace ChatOrganizer.Web.Results;

/// <summary>
/// What the viewer needs of a conversation (the whole message tree, custom instructions, what went wrong
/// reading it), stored as Brotli-compressed JSON. Our own records rather than the reader's, so the stored
/// form stays readable when the reader's types change.
/// </summary>
public sealed record TranscriptDocument(
    string? ConversationId,
    string? Title,
    DateTimeOffset? CreateTime,
    DateTimeOffset? UpdateTime,
    string? Model,
    string? GizmoId,
    bool IsArchived,
    bool IsStarred,
    TranscriptInstructions? CustomInstructions,
    IReadOnlyList<TranscriptNode> Nodes,
    IReadOnlyList<string> ActivePath,
    IReadOnlyList<string> BranchPoints,
    IReadOnlyList<string> Diagnostics)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static TranscriptDocument From(Conversation conversation) => new(
        conversation.Id,
        conversation.Title,
        conversation.CreateTime,
        conversation.UpdateTime,
        conversation.DefaultModel,
        conversation.GizmoId,
        conversation.IsArchived,
        conversation.IsStarred,
        conversation.CustomInstructions is { } ci ? new TranscriptInstructions(ci.AboutUser, ci.AboutModel) : null,
        [.. conversation.Tree.Nodes.Select(n => new TranscriptNode(n.Id, n.ParentId, n.Children, n.Message is { } m ? TranscriptMessage.From(m) : null))],
        conversation.Tree.ActivePath,
        conversation.Tree.BranchPoints,
        [.. conversation.Diagnostics.Select(d => d.ToString())]);

    public byte[] Compress()
    {
        using var buffer = new MemoryStream();
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        {
            JsonSerializer.Serialize(brotli, this, Json);
        }
        return buffer.ToArray();
    }

    public static TranscriptDocument Decompress(byte[] content)
    {
        using var brotli = new BrotliStream(new MemoryStream(content), CompressionMode.Decompress);
        return JsonSerializer.Deserialize<TranscriptDocument>(brotli, Json)
            ?? throw new InvalidDataException("A stored transcript is empty.");
    }
}

public sealed record TranscriptInstructions(string? AboutUser, string? AboutModel);

public sealed record TranscriptNode(string Id, string? ParentId, IReadOnlyList<string> Children, TranscriptMessage? Message);

public sealed record TranscriptMessage(
    string Id,
    string Role,
    string? AuthorName,
    string ContentType,
    string? Model,
    DateTimeOffset? CreateTime,
    bool IsHidden,
    string Text,
    IReadOnlyList<TranscriptAttachment> Attachments)
{
    public static TranscriptMessage From(Message message) => new(
        message.Id,
        message.Role,
        message.AuthorName,
        message.ContentType,
        message.ModelSlug,
        message.CreateTime,
        message.IsHidden,
        message.Text,
        [.. message.Attachments.Select(a => new TranscriptAttachment(a.Kind, a.Name, a.SizeBytes, a.MimeType))]);
}

/// <summary>Attachments are named, never fetched: the export holds only pointers to them.</summary>
public sealed record TranscriptAttachment(string Kind, string? Name, long? SizeBytes, string? MimeType);
