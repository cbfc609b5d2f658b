using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace ChatOrganizer.Export.Parsing;

internal readonly record struct RenderedContent(string Text, IReadOnlyList<Attachment> Attachments, string? Warning);

// Plain text for every content type seen in exports from 2023 to 2026, so that people and models
// get words, never "[object Object]" or nothing. Files show as "[image: name]" and as attachments.
internal sealed class ContentRenderer(AssetNames assetNames)
{
    private readonly List<Attachment> _attachments = [];

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public RenderedContent Render(MessageContent content)
    {
        _attachments.Clear();
        string? warning = null;
        string? text;
        var fromStringFields = true;
        switch (content.ContentType)
        {
            case "text" or "multimodal_text":
                text = RenderParts(content, ref warning);
                break;
            case "code" or "execution_output" or "tether_browsing_code":
                text = content.Field("text");
                break;
            case "tether_browsing_display":
                text = Lines(content.Field("result"), content.Field("summary"));
                break;
            case "tether_quote":
                text = Lines(content.Field("title"), content.Field("url"), content.Field("text"));
                break;
            case "thoughts":
                text = FieldLines(content.Strings, "summary", "content");
                break;
            case "reasoning_recap":
                text = content.Field("content");
                break;
            case "user_editable_context":
                text = Lines(content.Field("user_profile"), content.Field("user_instructions"));
                break;
            case "model_editable_context":
                text = Lines(content.Field("model_set_context"), content.Field("repository"), content.Field("repo_summary"), content.Field("structured_context"));
                break;
            case "system_error":
                text = Lines(content.Field("name"), content.Field("text"));
                break;
            case "sonic_webpage":
                text = Lines(content.Field("title"), content.Field("url"), content.Field("text") ?? content.Field("snippet"));
                break;
            case "computer_output":
                // A screenshot of the agent's screen: its asset is the content; its strings are ids.
                text = null;
                fromStringFields = false;
                break;
            default:
                text = null;
                warning = content.ContentType is null
                    ? "The content has no content_type; its text was taken from its string fields."
                    : $"Content type '{content.ContentType}' is not known; its text was taken from its string fields.";
                break;
        }

        // A known type without its usual fields, or an unknown type: every string it holds.
        if (string.IsNullOrEmpty(text) && fromStringFields && content.Strings.FieldCount > 0) text = FieldLines(content.Strings);
        var markers = Markers(content.Strings.Assets);
        if (markers is not null) text = Lines(text, markers);
        return new RenderedContent(text ?? "", _attachments.Count == 0 ? [] : _attachments.ToArray(), warning);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string RenderParts(MessageContent content, ref string? warning)
    {
        // Nearly every message is one string part: no copy.
        if (content.Parts.Count == 1 && content.Parts[0].Text is { } only) return only;
        var lines = new List<string?>(content.Parts.Count);
        foreach (var part in content.Parts)
        {
            if (part.Object is not { } strings)
            {
                lines.Add(part.Text);
                continue;
            }

            switch (part.ContentType)
            {
                case "audio_transcription":
                    lines.Add(strings.Field("text"));
                    break;
                case "image_asset_pointer" or "audio_asset_pointer" or "video_container_asset_pointer" or "real_time_user_audio_video_asset_pointer":
                    break;
                default:
                    warning ??= part.ContentType is null
                        ? "A part has no content_type; its text was taken from its string fields."
                        : $"Part type '{part.ContentType}' is not known; its text was taken from its string fields.";
                    lines.Add(FieldLines(strings));
                    break;
            }

            lines.Add(Markers(strings.Assets));
        }

        return Lines(CollectionsMarshal.AsSpan(lines));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? Markers(List<AssetPointer>? assets)
    {
        if (assets is null) return null;
        var markers = new StringBuilder();
        foreach (var asset in assets)
        {
            var attachment = new Attachment(KindOf(asset.ContentType), asset.Pointer, assetNames.Find(asset.Pointer), asset.SizeBytes, asset.MimeType, assetNames.FindFile(asset.Pointer));
            _attachments.Add(attachment);
            if (markers.Length > 0) markers.Append(' ');
            markers.Append(attachment.Marker);
        }

        return markers.ToString();
    }

    internal static string KindOf(string? contentType) => contentType switch
    {
        null => "file",
        _ when contentType.Contains("image", StringComparison.Ordinal) => "image",
        _ when contentType.Contains("audio", StringComparison.Ordinal) => "audio",
        _ when contentType.Contains("video", StringComparison.Ordinal) => "video",
        _ => "file",
    };

    // The values that are not empty, one a line. By hand, not LINQ: it runs for most messages that are not plain
    // text, and every generic method a read calls is one more to JIT while it warms up.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Lines(params ReadOnlySpan<string?> values)
    {
        string? only = null;
        var count = 0;
        foreach (var value in values)
        {
            if (string.IsNullOrEmpty(value)) continue;
            (only, count) = (value, count + 1);
        }

        if (count <= 1) return only ?? "";
        if (count == values.Length) return string.Join('\n', values);
        var present = new string?[count];
        count = 0;
        foreach (var value in values)
        {
            if (!string.IsNullOrEmpty(value)) present[count++] = value;
        }

        return string.Join('\n', present);
    }

    // The string fields' values in document order, one a line: all of them, or those under keys.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string FieldLines(ContentStrings strings, params ReadOnlySpan<string> keys)
    {
        var values = new List<string?>(strings.FieldCount);
        foreach (var field in strings.Fields ?? [])
        {
            if (keys.IsEmpty || keys.Contains(field.Key)) values.Add(field.Value);
        }

        return Lines(CollectionsMarshal.AsSpan(values));
    }
}
