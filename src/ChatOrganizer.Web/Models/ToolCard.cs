using System.Text.Json;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

// Tool traffic as a labelled card, never as the person's or the assistant's words: the DALL·E prompt from its JSON, the
// code and its output, a browsing query and result, a canvas document, a memory note.
//
// Label: The tool, as a person knows it ("DALL·E", "Code interpreter").
// Part: What this message is of the tool's round trip ("prompt", "result", "code", "output").
// Body: The text the card shows; empty when it only shows files.
// IsCode: Shown as code (preformatted), not as prose.
public sealed record ToolCard(string JobId, ToolKind Kind, string Label, string Part, string Body, bool IsCode, IReadOnlyList<TranscriptAttachment> Attachments)
{
    public const int SummaryLength = 90;

    // A card with a generated image or chart stays open: the picture is the point.
    public bool StartsOpen => Attachments.Any(a => a.IsInlineImage);

    // The card's one line when closed: its label, part and the start of its text.
    public string Preview => TextCut.Line(Body, SummaryLength);

    public static ToolCard From(string jobId, TranscriptMessage message, TranscriptTool tool)
    {
        var (label, call, answer) = tool.Kind switch
        {
            ToolKind.ImageGeneration => ("DALL·E", "prompt", "image"),
            ToolKind.CodeInterpreter => ("Code interpreter", "code", "output"),
            ToolKind.Browsing => ("Browsing", "query", "result"),
            ToolKind.Canvas => ("Canvas", "document", "result"),
            ToolKind.Memory => ("Memory", "saved", "result"),
            ToolKind.FileSearch => ("File search", "query", "result"),
            _ => ($"Tool: {tool.Name}", "call", "result"),
        };
        var body = message.Text;
        var isCode = message.ContentType is "code" or "execution_output" or "tether_browsing_code";
        if (tool.IsCall && tool.Kind is ToolKind.ImageGeneration or ToolKind.Canvas && JsonField(body, tool.Kind == ToolKind.ImageGeneration ? ["prompt", "prompts"] : ["content"]) is { } field)
        {
            body = field;
            isCode = false;
        }
        if (body == "<<ImageDisplayed>>") body = "";
        return new ToolCard(jobId, tool.Kind, label, tool.IsCall ? call : answer, body, isCode && tool.Kind != ToolKind.Memory, message.Attachments);
    }

    // DALL·E's call is {"prompt": ..., "size": ...} (late 2023 on; before, {"size": ..., "prompts": [...]}); canvas's
    // {"name", "type", "content"}. Anything else stays as it is.
    private static string? JsonField(string text, string[] names)
    {
        if (!text.TrimStart().StartsWith('{')) return null;
        try
        {
            using var json = JsonDocument.Parse(text);
            if (json.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in names)
            {
                if (!json.RootElement.TryGetProperty(name, out var value)) continue;
                if (value.ValueKind == JsonValueKind.String) return value.GetString();
                if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.String))
                {
                    return string.Join("\n\n", value.EnumerateArray().Select(v => v.GetString()));
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

// A message's files for _Attachments: images inline, other files as downloads, missing ones said so.
public sealed record AttachmentList(string JobId, IReadOnlyList<TranscriptAttachment> Attachments)
{
    public static string Link(string jobId, int number) => $"/jobs/{jobId}/files/{number}";
}
