using System.Buffers;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatOrganizer.Export;

namespace ChatOrganizer.Web.Results;

// What the viewer needs of a conversation (the whole message tree, custom instructions, what went wrong
// reading it), stored as Brotli-compressed JSON. Our own records rather than the reader's, so the stored
// form stays readable when the reader's types change.
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

    // files: The job's kept files by their path in the export (AttachmentStore); empty for a JSON upload.
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

    // Brotli's quality 0, its fastest (CompressionLevel.Fastest is 1), and its default window: every conversation is
    // compressed as it is read, and on gen_export's this is about 1.6x faster for 5% more bytes. Any quality reads back alike.
    private const int Quality = 0;
    private const int Window = 22;

    // A serialising thread's JSON buffer, kept between documents unless a very long one grew it past this.
    private const int KeptBufferBytes = 1 << 20;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_json;

    public byte[] Compress()
    {
        var json = t_json ?? new ArrayBufferWriter<byte>(64 * 1024);
        t_json = null;
        json.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(json))
        {
            JsonSerializer.Serialize(writer, this, Json);
        }
        var compressed = ArrayPool<byte>.Shared.Rent(BrotliEncoder.GetMaxCompressedLength(json.WrittenCount));
        try
        {
            if (!BrotliEncoder.TryCompress(json.WrittenSpan, compressed, out var written, Quality, Window))
                throw new InvalidOperationException("Brotli did not fit a transcript in its own bound.");
            return compressed.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
            if (json.Capacity <= KeptBufferBytes) t_json = json;
        }
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

// Text: with the answer's citation markers as numbered links to its Sources (CitedText).
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
    TranscriptTool? Tool = null,
    IReadOnlyList<TranscriptSource>? Sources = null)
{
    // files: The job's kept files by their path in the export.
    public static TranscriptMessage From(Message message, IReadOnlyDictionary<string, KeptFile>? files = null)
    {
        var (text, sources) = CitedText.Link(WithoutMarkers(message), message.Citations);
        return new(
            message.Id,
            message.Role,
            message.AuthorName,
            message.ContentType,
            message.ModelSlug,
            message.CreateTime,
            message.IsHidden,
            text,
            [.. message.Attachments.Select(a => TranscriptAttachment.From(a, files))],
            message.Tool is { } tool ? new TranscriptTool(tool.Kind, tool.Name, tool.IsCall) : null,
            sources);
    }

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

// Kind: What the viewer calls the tool by (image generation, code interpreter...); stored by name.
// IsCall: The assistant's call to the tool, rather than the tool's answer.
public sealed record TranscriptTool([property: JsonConverter(typeof(JsonStringEnumConverter<ToolKind>))] ToolKind Kind, string Name, bool IsCall);

// Number: The job's kept copy of the file (/jobs/{id}/files/{number}); null when the export did not hold it.
// ContentType: What the kept copy is served as; only a raster image is shown inline.
// Width: An image's size in pixels, from its file, when its header says.
public sealed record TranscriptAttachment(
    string Kind, string? Name, long? SizeBytes, string? MimeType, int? Number = null, string? ContentType = null, int? Width = null, int? Height = null)
{
    // Shown in the page as a picture: a kept raster image (never SVG, whatever the export calls it).
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
