using System.Text;
using ChatOrganizer.Export;

namespace ChatOrganizer.Cli;

// What `inspect` tells a person about an export: counts, date range, content types, branches,
// diagnostics. Only totals are kept, so it stays small however large the export is.
internal sealed class InspectSummary
{
    private readonly Dictionary<string, int> _contentTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _attachments = new(StringComparer.Ordinal);
    private DateTimeOffset? _first;
    private DateTimeOffset? _last;

    public int Conversations { get; private set; }
    public int WithoutMessages { get; private set; }
    public int Archived { get; private set; }
    public int Starred { get; private set; }
    public int CustomGpts { get; private set; }
    public int WithCustomInstructions { get; private set; }
    public int Nodes { get; private set; }
    public int ActiveMessages { get; private set; }
    public int HiddenMessages { get; private set; }
    public int BranchPoints { get; private set; }
    public int Branched { get; private set; }
    public int Warnings { get; private set; }
    public int Errors { get; private set; }

    public void Add(Conversation conversation)
    {
        Conversations++;
        if (conversation.Tree.ActivePath.Count == 0) WithoutMessages++;
        if (conversation.IsArchived) Archived++;
        if (conversation.IsStarred) Starred++;
        if (conversation.GizmoId is not null) CustomGpts++;
        if (conversation.CustomInstructions is not null) WithCustomInstructions++;
        Nodes += conversation.Tree.Nodes.Count;
        BranchPoints += conversation.Tree.BranchPoints.Count;
        if (conversation.Tree.BranchPoints.Count > 0) Branched++;
        if (conversation.CreateTime is { } created)
        {
            if (_first is null || created < _first) _first = created;
            if (_last is null || created > _last) _last = created;
        }

        foreach (var message in conversation.ActiveMessages)
        {
            ActiveMessages++;
            if (message.IsHidden) HiddenMessages++;
            Increment(_contentTypes, message.ContentType.Length == 0 ? "(none)" : message.ContentType);
            Increment(_roles, message.Role);
            foreach (var attachment in message.Attachments) Increment(_attachments, attachment.Kind);
        }

        Count(conversation.Diagnostics);
    }

    public void Count(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var diagnostic in diagnostics)
        {
            if (diagnostic.Severity == DiagnosticSeverity.Error) Errors++;
            else Warnings++;
        }
    }

    public string ToText(ExportReader reader, ExportSideFiles? sideFiles, string? stoppedBecause)
    {
        var text = new StringBuilder();
        text.AppendLine($"export: {reader.Name}");
        text.AppendLine($"read from: {string.Join(", ", reader.ConversationFiles)}");
        text.AppendLine($"conversations: {Conversations} ({WithoutMessages} without messages, {Archived} archived, {Starred} starred, " +
                        $"{CustomGpts} with a custom GPT, {WithCustomInstructions} with custom instructions)");
        text.AppendLine(_first is null ? "dates: none" : $"dates: {_first:yyyy-MM-dd} to {_last:yyyy-MM-dd} (UTC)");
        text.AppendLine($"messages: {ActiveMessages} on active paths ({HiddenMessages} hidden), {Nodes} nodes in all");
        text.AppendLine($"roles: {Tally(_roles)}");
        text.AppendLine($"content types: {Tally(_contentTypes)}");
        text.AppendLine($"branches: {BranchPoints} branch points in {Branched} conversations");
        text.AppendLine($"attachments: {Tally(_attachments)}");
        if (sideFiles is not null) text.AppendLine($"side files: {SideFilesText(sideFiles)}");
        text.AppendLine($"diagnostics: {Warnings} warnings, {Errors} errors");
        if (stoppedBecause is not null) text.AppendLine($"reading stopped: {stoppedBecause}");
        return text.ToString();
    }

    private static string SideFilesText(ExportSideFiles sideFiles)
    {
        var parts = new List<string>();
        if (sideFiles.User is { } user) parts.Add($"user {user.Id ?? "(no id)"}{(user.IsPlusUser == true ? " (Plus)" : "")}");
        if (sideFiles.MessageFeedback is { } feedback)
        {
            var up = feedback.ByConversation.Values.Sum(c => c.ThumbsUp);
            var down = feedback.ByConversation.Values.Sum(c => c.ThumbsDown);
            parts.Add($"{feedback.Count} feedback ratings ({up} up, {down} down)");
        }

        if (sideFiles.ModelComparisonCount is { } comparisons) parts.Add($"{comparisons} model comparisons");
        if (sideFiles.SharedConversations is { } shared) parts.Add($"{shared.Count} shared conversations");
        return parts.Count == 0 ? "none" : string.Join(", ", parts);
    }

    private static string Tally(Dictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value}"));

    private static void Increment(Dictionary<string, int> counts, string key) =>
        counts[key] = counts.GetValueOrDefault(key) + 1;
}
