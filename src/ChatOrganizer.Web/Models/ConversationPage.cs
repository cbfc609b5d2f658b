using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

/// <summary>One conversation as a chat: the active path, or the path through another branch when one is asked for.</summary>
/// <param name="Leaf">The node the page was asked to show the path through; null for the active path.</param>
/// <param name="HiddenMessages">Messages on the path ChatGPT does not show either (system prompts, tool context), left out.</param>
public sealed record ConversationPage(
    string JobId,
    string JobFileName,
    ResultConversation Summary,
    TranscriptDocument Transcript,
    IReadOnlyList<ViewerTurn> Turns,
    string? Leaf,
    int HiddenMessages)
{
    public const int PreviewLength = 80;

    public string Title => Summary.Title ?? Transcript.Title ?? "Untitled conversation";

    public string Link(string? leaf = null) => $"/jobs/{JobId}/conversations/{Summary.Index}" + (leaf is null ? "" : $"?leaf={Uri.EscapeDataString(leaf)}");

    /// <returns>Null when <paramref name="leaf"/> names no node of this conversation.</returns>
    public static ConversationPage? From(string jobId, string jobFileName, ResultConversation summary, TranscriptDocument transcript, string? leaf)
    {
        var nodes = new Dictionary<string, TranscriptNode>(StringComparer.Ordinal);
        foreach (var node in transcript.Nodes) nodes.TryAdd(node.Id, node);
        if (leaf is not null && !nodes.ContainsKey(leaf)) return null;

        var path = leaf is null ? transcript.ActivePath : PathThrough(nodes, leaf);
        var turns = new List<ViewerTurn>();
        var hidden = 0;
        foreach (var id in path)
        {
            if (!nodes.TryGetValue(id, out var node) || node.Message is not { } message) continue;
            if (message.IsHidden)
            {
                hidden++;
                continue;
            }
            if (message.Text.Length == 0 && message.Attachments.Count == 0) continue;

            var siblings = node.ParentId is { } parentId && nodes.TryGetValue(parentId, out var parent)
                ? parent.Children.Where(nodes.ContainsKey).ToList()
                : [];
            var alternatives = siblings.Count < 2
                ? []
                : siblings.Select((sibling, i) => (sibling, i)).Where(s => s.sibling != id)
                    .Select(s => new ViewerBranch(s.sibling, s.i + 1, Preview(nodes, s.sibling))).ToList();
            turns.Add(new ViewerTurn(id, message, Math.Max(1, siblings.IndexOf(id) + 1), Math.Max(1, siblings.Count), alternatives));
        }
        var onActivePath = leaf is null || path.SequenceEqual(transcript.ActivePath.Where(nodes.ContainsKey));
        return new ConversationPage(jobId, jobFileName, summary, transcript, turns, onActivePath ? null : leaf, hidden);
    }

    // Root to the node, then on down its latest replies, the way ChatGPT shows a branch.
    private static List<string> PathThrough(Dictionary<string, TranscriptNode> nodes, string nodeId)
    {
        var up = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = nodeId; id is not null && seen.Add(id) && nodes.TryGetValue(id, out var node); id = node.ParentId) up.Add(id);
        up.Reverse();
        for (var id = nodes[nodeId].Children.LastOrDefault(nodes.ContainsKey); id is not null && seen.Add(id); id = nodes[id].Children.LastOrDefault(nodes.ContainsKey))
        {
            up.Add(id);
        }
        return up;
    }

    private static string Preview(Dictionary<string, TranscriptNode> nodes, string startId)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = startId; id is not null && seen.Add(id) && nodes.TryGetValue(id, out var node); id = node.Children.LastOrDefault())
        {
            if (node.Message is { IsHidden: false, Text.Length: > 0 } message)
            {
                var text = string.Join(' ', message.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                return text.Length <= PreviewLength ? text : text[..PreviewLength].TrimEnd() + "…";
            }
        }
        return "(no text)";
    }
}

/// <param name="NodeId">The message's node: where the alternatives' links lead back to.</param>
/// <param name="Version">Which of its parent's replies this is (1-based), of <paramref name="Versions"/>; 1 of 1 when it was never edited or regenerated.</param>
public sealed record ViewerTurn(string NodeId, TranscriptMessage Message, int Version, int Versions, IReadOnlyList<ViewerBranch> Alternatives)
{
    public string Who => Message.Role switch
    {
        "user" => "You",
        "assistant" => "ChatGPT",
        "system" => "System",
        _ when Message.Tool is not null => "Tool",
        "tool" => Message.AuthorName is { Length: > 0 } name ? $"Tool: {name}" : "Tool",
        var other => other,
    };

    /// <summary>How the body is shown: as Markdown (the model's prose), as code, collapsed (reasoning), or as plain text.</summary>
    public MessageLayout Layout => Message.ContentType switch
    {
        _ when Message.Tool is not null => MessageLayout.Tool,
        "code" or "execution_output" or "tether_browsing_code" or "tether_browsing_display" or "system_error" => MessageLayout.Code,
        "thoughts" or "reasoning_recap" => MessageLayout.Collapsed,
        _ when Message.Role == "assistant" => MessageLayout.Markdown,
        _ => MessageLayout.Plain,
    };

    public string CodeLabel => Message.ContentType switch
    {
        "execution_output" => "Output",
        "system_error" => "Error",
        "tether_browsing_display" => "Browsing result",
        _ => "Code",
    };
}

public enum MessageLayout
{
    Plain,
    Markdown,
    Code,
    Collapsed,

    /// <summary>Tool traffic (a call or its answer), as a labelled card: <see cref="ToolCard"/>.</summary>
    Tool,
}

/// <param name="Version">Its position among the versions of the message (1-based).</param>
public sealed record ViewerBranch(string NodeId, int Version, string Preview);
