using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
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

    /// <param name="files">The job's kept files by their path in the export (<see cref="AttachmentStore"/>); empty for a JSON upload.</param>
    public static TranscriptDocument From(Conversation conversation, IReadOnlyDictionary<string, KeptFile>? files = null) => new(
        conversation.Id,
        conversation.Title,
        conversation.CreateTime,
        conversation.UpdateTime,
        conversation.DefaultModel,
        conversation.GizmoId,
        conversation.IsArchived,
        conversation.IsStarred,
        conversation.CustomInstructions is { } ci ? new TranscriptInstructions(ci.AboutUser, ci.AboutModel) : null,
        [.. conversation.Tree.Nodes.Select(n => new TranscriptNode(n.Id, n.ParentId, n.Children, n.Message is { } m ? TranscriptMessage.From(m, files) : null))],
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
    IReadOnlyList<TranscriptAttachment> Attachments,
    TranscriptTool? Tool = null)
{
    /// <param name="files">The job's kept files by their path in the export.</param>
    public static TranscriptMessage From(Message message, IReadOnlyDictionary<string, KeptFile>? files = null) => new(
        message.Id,
        message.Role,
        message.AuthorName,
        message.ContentType,
        message.ModelSlug,
        message.CreateTime,
        message.IsHidden,
        WithoutMarkers(message),
        [.. message.Attachments.Select(a => TranscriptAttachment.From(a, files))],
        message.Tool is { } tool ? new TranscriptTool(tool.Kind, tool.Name, tool.IsCall) : null);

    // The reader writes "[image: name]" into the text for people and models who only get text; the viewer and the
    // Markdown show the attachment itself.
    private static string WithoutMarkers(Message message)
    {
        var text = message.Text;
        foreach (var attachment in message.Attachments)
        {
            // The marker was written with the name known then: the stored file's, before the person's name from the metadata replaced it.
            foreach (var name in new[] { attachment.Name, attachment.AssetPointer, Path.GetFileName(attachment.File) })
            {
                if (!string.IsNullOrEmpty(name)) text = text.Replace($"[{attachment.Kind}: {name}]", "", StringComparison.Ordinal);
            }
        }
        return message.Attachments.Count == 0 ? text : text.Trim();
    }
}

/// <param name="Kind">What the viewer calls the tool by (image generation, code interpreter...); stored by name.</param>
/// <param name="IsCall">The assistant's call to the tool, rather than the tool's answer.</param>
public sealed record TranscriptTool([property: JsonConverter(typeof(JsonStringEnumConverter<ToolKind>))] ToolKind Kind, string Name, bool IsCall);

/// <param name="Number">The job's kept copy of the file (<c>/jobs/{id}/files/{number}</c>); null when the export did not hold it.</param>
/// <param name="ContentType">What the kept copy is served as; only a raster image is shown inline.</param>
/// <param name="Width">An image's size in pixels, from its file, when its header says.</param>
public sealed record TranscriptAttachment(
    string Kind, string? Name, long? SizeBytes, string? MimeType, int? Number = null, string? ContentType = null, int? Width = null, int? Height = null)
{
    /// <summary>Shown in the page as a picture: a kept raster image (never SVG, whatever the export calls it).</summary>
    [JsonIgnore]
    public bool IsInlineImage => Number is not null && ContentType is { } type && AttachmentStore.InlineImageTypes.Contains(type);

    public static TranscriptAttachment From(Attachment attachment, IReadOnlyDictionary<string, KeptFile>? files)
    {
        var kept = attachment.File is { } file && files?.TryGetValue(file, out var found) == true ? found : null;
        // The reader names a file by how the export stores it when it knows no other name: the person's part of it reads better.
        var name = attachment.File is { } path && (attachment.Name is null || attachment.Name == Path.GetFileName(path))
            ? AttachmentStore.DisplayName(path)
            : attachment.Name;
        return new TranscriptAttachment(attachment.Kind, name, attachment.SizeBytes, attachment.MimeType, kept?.Number, kept?.ContentType, kept?.Width, kept?.Height);
    }
}
