using System.Globalization;
using System.Text;
using ChatOrganizer.Web.Models;

namespace ChatOrganizer.Web.Results;

// One conversation's active path as a Markdown file: a heading, the facts, custom instructions, then each visible
// message, tool traffic labelled as the tool's, and the export's files linked where the archive holds them.
public static class TranscriptMarkdown
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    // linkOf: Where a kept file is in the archive, relative to the transcript; null leaves it named but unlinked.
    public static string Of(ResultConversation summary, TranscriptDocument transcript, Func<TranscriptAttachment, string?>? linkOf = null)
    {
        var md = new StringBuilder();
        md.Append("# ").AppendLine(OneLine(summary.Title ?? transcript.Title ?? "Untitled conversation")).AppendLine();
        if (summary.CreateTime is { } created) md.Append("- Created: ").AppendLine(Time(created));
        if (summary.Model is { } model) md.Append("- Model: ").AppendLine(model);
        if (summary.Category is { } category) md.Append("- Category: ").Append(OneLine(category)).AppendLine(summary.Corrected ? " (chosen by you)" : "");
        if (summary.FailureReason is { } reason) md.Append("- Not categorized: ").AppendLine(OneLine(reason));
        if (summary.Id is { } id) md.Append("- Conversation id: ").AppendLine(id);

        if (transcript.CustomInstructions is { } instructions && (instructions.AboutUser ?? instructions.AboutModel) is not null)
        {
            md.AppendLine().AppendLine("## Custom instructions").AppendLine();
            if (instructions.AboutUser is { } aboutUser) md.AppendLine("What ChatGPT knew about you:").AppendLine().AppendLine(Quote(aboutUser)).AppendLine();
            if (instructions.AboutModel is { } aboutModel) md.AppendLine("How you wanted it to answer:").AppendLine().AppendLine(Quote(aboutModel)).AppendLine();
        }

        foreach (var turn in ConversationStore.Turns(transcript))
        {
            var message = turn.Message;
            if (message.IsHidden || (message.Text.Length == 0 && message.Attachments.Count == 0)) continue;

            var card = message.Tool is { } tool ? ToolCard.From("", message, tool) : null;
            md.AppendLine().Append("## ").Append(card is null ? Who(message) : $"{card.Label} ({card.Part})");
            if (card is null && message.Role == "assistant" && message.Model is { } slug) md.Append(" (").Append(slug).Append(')');
            if (message.CreateTime is { } at) md.Append(" · ").Append(Time(at.UtcDateTime));
            md.AppendLine().AppendLine();
            var text = card?.Body ?? message.Text;
            if (text.Length > 0 && (card?.IsCode ?? message.ContentType is "code" or "execution_output" or "tether_browsing_code" or "system_error"))
            {
                var fence = new string('`', Math.Max(3, LongestRun(text, '`') + 1));
                md.AppendLine(fence).AppendLine(text).AppendLine(fence);
            }
            else if (text.Length > 0)
            {
                md.AppendLine(text);
                if (message.Sources is { Count: > 0 } sources)
                {
                    md.AppendLine();
                    foreach (var source in sources) md.Append(source.Number).Append(". [").Append(LinkText(source.Title ?? source.Host)).Append("](<").Append(source.Url).AppendLine(">)");
                }
            }
            foreach (var attachment in message.Attachments)
            {
                var name = attachment.Name ?? (attachment.Kind == "image" ? "image" : "unnamed file");
                md.AppendLine();
                if (linkOf?.Invoke(attachment) is not { } link) md.Append("- Attachment (").Append(attachment.Kind).Append("): ").Append(name).AppendLine(" (not in the export)");
                else if (attachment.IsInlineImage) md.Append("![").Append(LinkText(name)).Append("](").Append(link).AppendLine(")");
                else md.Append("- Attachment (").Append(attachment.Kind).Append("): [").Append(LinkText(name)).Append("](").Append(link).AppendLine(")");
            }
            if (turn.Alternatives.Count > 0)
            {
                md.AppendLine().Append("_This message has ").Append(turn.Alternatives.Count)
                    .AppendLine(turn.Alternatives.Count == 1 ? " other version, not included here._" : " other versions, not included here._");
            }
        }
        return md.ToString();
    }

    private static string Who(TranscriptMessage message) => message.Role switch
    {
        "user" => "You",
        "assistant" => "ChatGPT",
        "tool" => message.AuthorName is { Length: > 0 } name ? $"Tool: {name}" : "Tool",
        var other => CultureInfo.InvariantCulture.TextInfo.ToTitleCase(other),
    };

    private static string Time(DateTime time) => time.ToString("yyyy-MM-dd HH:mm 'UTC'", Culture);

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    // A name inside [...] with its brackets and line breaks made harmless.
    private static string LinkText(string name) => OneLine(name).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("[", "\\[", StringComparison.Ordinal).Replace("]", "\\]", StringComparison.Ordinal);

    private static string Quote(string text) => "> " + text.ReplaceLineEndings("\n> ");

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }
        return longest;
    }
}
