namespace ChatOrganizer.Export;

// A message that is tool traffic: the assistant calling a tool, or the tool's answer.
// Name: The tool as the export names it: dalle.text2im, python, browser, bio, canmore.create_textdoc...
// IsCall: True for the assistant's call (the recipient is the tool), false for the tool's answer.
public sealed record ToolUse(ToolKind Kind, string Name, bool IsCall)
{
    public static ToolUse? Of(Message message)
    {
        if (message.Role == "tool") return new ToolUse(KindOf(message.AuthorName, message.ContentType), message.AuthorName ?? "tool", IsCall: false);
        if (message.Role == "assistant" && message.Recipient is { Length: > 0 } recipient && recipient != "all")
        {
            return new ToolUse(KindOf(recipient, message.ContentType), recipient, IsCall: true);
        }

        return null;
    }

    // Names seen in exports of 2023 to 2026 (see fixtures/real/SOURCES.md).
    public static ToolKind KindOf(string? name, string? contentType = null) => name switch
    {
        _ when name?.StartsWith("dalle", StringComparison.Ordinal) == true || name == "t2uay3k.sj1i4kz" => ToolKind.ImageGeneration,
        "python" or "jupyter" => ToolKind.CodeInterpreter,
        "browser" or "web" or "web.run" or "web.search" or "search" => ToolKind.Browsing,
        _ when name?.StartsWith("canmore", StringComparison.Ordinal) == true => ToolKind.Canvas,
        "bio" => ToolKind.Memory,
        "file_search" or "myfiles_browser" => ToolKind.FileSearch,
        _ when contentType is "tether_browsing_display" or "tether_quote" or "tether_browsing_code" or "sonic_webpage" => ToolKind.Browsing,
        _ when contentType is "execution_output" => ToolKind.CodeInterpreter,
        _ => ToolKind.Other,
    };
}

public enum ToolKind
{
    Other,
    ImageGeneration,
    CodeInterpreter,
    Browsing,
    Canvas,
    Memory,
    FileSearch,
}
