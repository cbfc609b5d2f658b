using System.Text.Json;

namespace ChatOrganizer.Export.Parsing;

// A message's `content` as read, before it is rendered: the parts, the string fields (nested ones
// too, in document order) and every asset pointer found in it.
internal sealed class MessageContent
{
    public string? ContentType { get; set; }
    public List<ContentPart> Parts { get; } = [];
    public List<ContentField> Fields { get; } = [];
    public List<AssetPointer> Assets { get; } = [];

    // What did not have the expected shape, as "JSON path suffix: reason".
    public List<(string Path, string Reason)>? Problems { get; private set; }

    public string? Field(string key) => ContentField.Find(Fields, key);

    public void AddProblem(string path, string reason) => (Problems ??= []).Add((path, reason));
}

// A part of `parts`: a plain string, or an object (image pointer, audio transcription...).
internal sealed class ContentPart
{
    public string? Text { get; init; }
    public string? ContentType { get; set; }
    public List<ContentField> Fields { get; } = [];
    public List<AssetPointer> Assets { get; } = [];

    public string? Field(string key) => ContentField.Find(Fields, key);
}

internal sealed record ContentField(string Key, string Value)
{
    public static string? Find(List<ContentField> fields, string key)
    {
        foreach (var field in fields)
        {
            if (field.Key == key) return field.Value;
        }

        return null;
    }
}

/// <param name="ContentType">The pointer object's own content_type: image_asset_pointer, audio_asset_pointer...</param>
internal sealed record AssetPointer(string? ContentType, string Pointer, long? SizeBytes, string? MimeType);

// Reads `content` and anything nested in it. Objects nest only as deep as the element scanner
// allowed (ExportReaderOptions.MaxDepth), so the recursion is bounded.
internal static class MessageContentReader
{
    public static MessageContent Read(ref Utf8JsonReader reader)
    {
        var content = new MessageContent();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content_type"u8))
            {
                reader.Read();
                content.ContentType = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                reader.Skip();
            }
            else if (reader.ValueTextEquals("parts"u8))
            {
                reader.Read();
                ReadParts(ref reader, content);
            }
            else
            {
                var key = reader.GetString()!;
                reader.Read();
                ReadValue(ref reader, key, content.Fields, content.Assets);
            }
        }

        return content;
    }

    private static void ReadParts(ref Utf8JsonReader reader, MessageContent content)
    {
        var parts = content.Parts;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            if (reader.TokenType != JsonTokenType.Null) content.AddProblem(".parts", $"parts is {JsonTokens.Describe(reader.TokenType)}, not an array; the message has no text.");
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.String:
                    parts.Add(new ContentPart { Text = reader.GetString() });
                    break;
                case JsonTokenType.StartObject:
                    var part = new ContentPart();
                    part.ContentType = ReadObject(ref reader, part.Fields, part.Assets);
                    parts.Add(part);
                    break;
                case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                    parts.Add(new ContentPart { Text = ScalarText(ref reader) });
                    break;
                case JsonTokenType.StartArray:
                    var nested = new ContentPart();
                    ReadValue(ref reader, "parts", nested.Fields, nested.Assets);
                    parts.Add(nested);
                    break;
            }
        }
    }

    private static void ReadValue(ref Utf8JsonReader reader, string key, List<ContentField> fields, List<AssetPointer> assets)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                fields.Add(new ContentField(key, reader.GetString()!));
                break;
            case JsonTokenType.StartObject:
                ReadObject(ref reader, fields, assets);
                break;
            case JsonTokenType.StartArray:
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray) ReadValue(ref reader, key, fields, assets);
                break;
        }
    }

    // Returns the object's content_type. An object with an asset_pointer becomes an asset; its
    // other strings (expiry dates, formats) describe the file and are not text.
    private static string? ReadObject(ref Utf8JsonReader reader, List<ContentField> fields, List<AssetPointer> assets)
    {
        var fieldsBefore = fields.Count;
        string? contentType = null, pointer = null, mimeType = null, format = null;
        long? size = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.String)
            {
                var value = reader.GetString()!;
                switch (key)
                {
                    case "content_type": contentType = value; break;
                    case "asset_pointer": pointer = value; break;
                    case "mime_type": mimeType = value; break;
                    case "format": format = value; break;
                    default: fields.Add(new ContentField(key, value)); break;
                }
            }
            else if (reader.TokenType == JsonTokenType.Number && key == "size_bytes" && reader.TryGetInt64(out var bytes))
            {
                size = bytes;
            }
            else
            {
                ReadValue(ref reader, key, fields, assets);
            }
        }

        if (pointer is not null)
        {
            fields.RemoveRange(fieldsBefore, fields.Count - fieldsBefore);
            mimeType ??= format is not null && contentType is { } type && type.StartsWith("audio", StringComparison.Ordinal) ? "audio/" + format : null;
            assets.Add(new AssetPointer(contentType, pointer, size, mimeType));
        }
        else if (format is not null)
        {
            fields.Add(new ContentField("format", format));
        }

        return contentType;
    }

    private static string ScalarText(ref Utf8JsonReader reader) =>
        reader.TokenType switch
        {
            JsonTokenType.True => "true",
            JsonTokenType.False => "false",
            _ => System.Text.Encoding.UTF8.GetString(reader.ValueSpan),
        };
}
