using System.Globalization;
using System.Text;

namespace ChatOrganizer.Web.Results;

/// <summary>One conversation's active path as a Markdown file: a heading, the facts, custom instructions, then each visible message.</summary>
public static class TranscriptMarkdown
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Of(ResultConversation summary, TranscriptDocument transcript)
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

            md.AppendLine().Append("## ").Append(Who(message));
            if (message.Role == "assistant" && message.Model is { } slug) md.Append(" (").Append(slug).Append(')');
            if (message.CreateTime is { } at) md.Append(" · ").Append(Time(at.UtcDateTime));
            md.AppendLine().AppendLine();
            if (message.ContentType is "code" or "execution_output" or "tether_browsing_code" or "system_error")
            {
                var fence = new string('`', Math.Max(3, LongestRun(message.Text, '`') + 1));
                md.AppendLine(fence).AppendLine(message.Text).AppendLine(fence);
            }
            else
            {
                md.AppendLine(message.Text);
            }
            foreach (var attachment in message.Attachments)
            {
                md.AppendLine().Append("- Attachment (").Append(attachment.Kind).Append("): ").AppendLine(attachment.Name ?? "unnamed");
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
