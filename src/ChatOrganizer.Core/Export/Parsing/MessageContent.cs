using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ChatOrganizer.Export.Json;

namespace ChatOrganizer.Export.Parsing;

// A message's `content` as read, before it is rendered: the parts, the string fields (nested ones
// too, in document order) and every asset pointer found in it.
internal sealed class MessageContent
{
    public string? ContentType { get; set; }
    public List<ContentPart> Parts { get; } = new(1);
    public ContentStrings Strings { get; } = new();

    // What did not have the expected shape, as (JSON path suffix, reason).
    public List<(string Path, string Reason)>? Problems { get; private set; }

    public string? Field(string key) => Strings.Field(key);

    public void Clear()
    {
        ContentType = null;
        Parts.Clear();
        Strings.Clear();
        Problems = null;
    }

    public void AddProblem(string path, string reason) => (Problems ??= []).Add((path, reason));
}

// A part of `parts`: a plain string, or an object (image pointer, audio transcription...).
internal readonly record struct ContentPart(string? Text, string? ContentType, ContentStrings? Object);

// String fields and asset pointers found in a content object or a part object.
internal sealed class ContentStrings
{
    public List<ContentField>? Fields { get; private set; }
    public List<AssetPointer>? Assets { get; private set; }

    public int FieldCount => Fields?.Count ?? 0;

    public void Add(ContentField field) => (Fields ??= []).Add(field);

    public void Add(AssetPointer asset) => (Assets ??= []).Add(asset);

    public void RemoveFieldsFrom(int start) => Fields?.RemoveRange(start, Fields.Count - start);

    public void Clear()
    {
        Fields?.Clear();
        Assets?.Clear();
    }

    public string? Field(string key)
    {
        foreach (var field in Fields ?? [])
        {
            if (field.Key == key) return field.Value;
        }

        return null;
    }
}

internal sealed record ContentField(string Key, string Value);

// ContentType is the pointer object's own: image_asset_pointer, audio_asset_pointer...
internal sealed record AssetPointer(string? ContentType, string Pointer, long? SizeBytes, string? MimeType);

// Reads `content` and anything nested in it. Utf8JsonReader stops nesting at
// ExportReaderOptions.MaxDepth, so the recursion is bounded. The MessageContent it returns is
// reused by the next Read (one per message adds up); the parser renders it before then.
internal sealed class MessageContentReader(long maxStringBytes)
{
    private readonly MessageContent _content = new();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public MessageContent Read(ref Utf8JsonReader reader, Utf8StringPool pool)
    {
        var content = _content;
        content.Clear();
        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content_type"u8))
            {
                content.ContentType = JsonRead.Next(ref reader) == JsonTokenType.String ? pool.Get(ref reader, maxStringBytes) : null;
                JsonRead.Skip(ref reader);
            }
            else if (reader.ValueTextEquals("parts"u8))
            {
                JsonRead.Next(ref reader);
                ReadParts(ref reader, content);
            }
            else
            {
                var key = pool.Get(ref reader, maxStringBytes);
                JsonRead.Next(ref reader);
                ReadValue(ref reader, key, content.Strings);
            }
        }

        return content;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadParts(ref Utf8JsonReader reader, MessageContent content)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            if (reader.TokenType != JsonTokenType.Null) content.AddProblem(".parts", $"parts is {JsonTokens.Describe(reader.TokenType)}, not an array; the message has no text.");
            JsonRead.Skip(ref reader);
            return;
        }

        while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    content.Parts.Add(new ContentPart(JsonRead.Text(ref reader, maxStringBytes), null, null));
                    break;
                case JsonTokenType.StartObject:
                    var part = new ContentStrings();
                    content.Parts.Add(new ContentPart(null, ReadObject(ref reader, part), part));
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    content.Parts.Add(new ContentPart(Encoding.UTF8.GetString(reader.ValueSpan), null, null));
                    break;
                case JsonTokenType.StartArray:
                    var nested = new ContentStrings();
                    ReadValue(ref reader, "parts", nested);
                    content.Parts.Add(new ContentPart(null, null, nested));
                    break;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadValue(ref Utf8JsonReader reader, string key, ContentStrings strings)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                strings.Add(new ContentField(key, JsonRead.Text(ref reader, maxStringBytes)));
                break;
            case JsonTokenType.StartObject:
                ReadObject(ref reader, strings);
                break;
            case JsonTokenType.StartArray:
                while (JsonRead.Next(ref reader) != JsonTokenType.EndArray) ReadValue(ref reader, key, strings);
                break;
        }
    }

    // Returns the object's content_type. An object with an asset_pointer becomes an asset; its
    // other strings (expiry dates, formats) describe the file and are not text.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? ReadObject(ref Utf8JsonReader reader, ContentStrings strings)
    {
        var fieldsBefore = strings.FieldCount;
        string? contentType = null, pointer = null, mimeType = null, format = null;
        long? size = null;
        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = JsonRead.Text(ref reader, maxStringBytes);
            JsonRead.Next(ref reader);
            if (reader.TokenType == JsonTokenType.String)
            {
                var value = JsonRead.Text(ref reader, maxStringBytes);
                switch (key)
                {
                    case "content_type": contentType = value; break;
                    case "asset_pointer": pointer = value; break;
                    case "mime_type": mimeType = value; break;
                    case "format": format = value; break;
                    default: strings.Add(new ContentField(key, value)); break;
                }
            }
            else if (reader.TokenType == JsonTokenType.Number && key == "size_bytes" && reader.TryGetInt64(out var bytes))
            {
                size = bytes;
            }
            else
            {
                ReadValue(ref reader, key, strings);
            }
        }

        if (pointer is not null)
        {
            strings.RemoveFieldsFrom(fieldsBefore);
            mimeType ??= format is not null && contentType is { } type && type.StartsWith("audio", StringComparison.Ordinal) ? "audio/" + format : null;
            strings.Add(new AssetPointer(contentType, pointer, size, mimeType));
        }
        else if (format is not null)
        {
            strings.Add(new ContentField("format", format));
        }

        return contentType;
    }
}
