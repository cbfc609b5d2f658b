using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

// One conversation as a chat: the active path, or the path through another branch when one is asked for.
// Leaf: The node the page was asked to show the path through; null for the active path.
// HiddenMessages: Messages on the path ChatGPT does not show either (system prompts, tool context), left out.
// Neighbours: The conversations before and after this one in the results view the person came from.
public sealed record ConversationPage(
    string JobId,
    string JobFileName,
    ResultConversation Summary,
    TranscriptDocument Transcript,
    IReadOnlyList<ViewerTurn> Turns,
    string? Leaf,
    int HiddenMessages,
    ConversationNeighbours? Neighbours = null)
{
    public const int PreviewLength = 80;

    // The person's messages, to jump to: a long conversation is read by its questions.
    public IEnumerable<(string NodeId, string Preview)> Outline =>
        Turns.Where(t => t.Message.Role == "user").Select(t => (t.NodeId, Shorten(t.Message.Text.Length > 0 ? t.Message.Text : t.Message.Attachments.FirstOrDefault()?.Name ?? "(no text)")));

    public string Title => Summary.Title ?? Transcript.Title ?? "Untitled conversation";

    // Where a reasoning turn's text is fetched from when its control is opened.
    public string ReasoningLink(ViewerTurn turn) =>
        $"/jobs/{JobId}/conversations/{Summary.Index}/reasoning?node={Uri.EscapeDataString(turn.NodeId)}" + (Leaf is null ? "" : $"&leaf={Uri.EscapeDataString(Leaf)}");

    public string Link(string? leaf = null) => $"/jobs/{JobId}/conversations/{Summary.Index}" + (leaf is null ? "" : $"?leaf={Uri.EscapeDataString(leaf)}");

    // Returns Null when leaf names no node of this conversation.
    public static ConversationPage? From(
        string jobId, string jobFileName, ResultConversation summary, TranscriptDocument transcript, string? leaf, ConversationNeighbours? neighbours = null)
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
            // An answer's reasoning (its thoughts, then "Thought for 12 seconds") is one control, not a box per part.
            if (ViewerTurn.IsReasoning(message) && turns.Count > 0 && turns[^1].Reasoning is { } reasoning)
            {
                reasoning.Add(message);
                continue;
            }

            var siblings = node.ParentId is { } parentId && nodes.TryGetValue(parentId, out var parent)
                ? parent.Children.Where(nodes.ContainsKey).ToList()
                : [];
            var alternatives = siblings.Count < 2
                ? []
                : siblings.Select((sibling, i) => (sibling, i)).Where(s => s.sibling != id)
                    .Select(s => new ViewerBranch(s.sibling, s.i + 1, Preview(nodes, s.sibling))).ToList();
            turns.Add(new ViewerTurn(id, message, Math.Max(1, siblings.IndexOf(id) + 1), Math.Max(1, siblings.Count), alternatives)
            {
                Reasoning = ViewerTurn.IsReasoning(message) ? [message] : null,
            });
        }
        var onActivePath = leaf is null || path.SequenceEqual(transcript.ActivePath.Where(nodes.ContainsKey));
        return new ConversationPage(jobId, jobFileName, summary, transcript, turns, onActivePath ? null : leaf, hidden, neighbours);
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
            if (node.Message is { IsHidden: false, Text.Length: > 0 } message) return Shorten(message.Text);
        }
        return "(no text)";
    }

    private static string Shorten(string text) => TextCut.Line(text, PreviewLength);
}

// NodeId: The message's node: where the alternatives' links lead back to.
// Version: Which of its parent's replies this is (1-based), of Versions; 1 of 1 when it was never edited or regenerated.
public sealed record ViewerTurn(string NodeId, TranscriptMessage Message, int Version, int Versions, IReadOnlyList<ViewerBranch> Alternatives)
{
    // For a reasoning turn, every reasoning message of the answer in a row; null for the rest.
    public List<TranscriptMessage>? Reasoning { get; init; }

    public static bool IsReasoning(TranscriptMessage message) => message.ContentType is "thoughts" or "reasoning_recap";

    // The recap's own words ("Thought for 12 seconds") when the export has them.
    public string ReasoningLabel =>
        Reasoning?.LastOrDefault(m => m.ContentType == "reasoning_recap" && m.Text.Length is > 0 and <= 80)?.Text.Trim() ?? "Reasoning";

    // The reasoning's text, the recap left out when it is the label already.
    public IEnumerable<TranscriptMessage> ReasoningSteps => (Reasoning ?? []).Where(m => m.ContentType != "reasoning_recap" || m.Text.Trim() != ReasoningLabel);

    public string Who => Message.Role switch
    {
        "user" => "You",
        "assistant" => "ChatGPT",
        "system" => "System",
        _ when Message.Tool is not null => "Tool",
        "tool" => Message.AuthorName is { Length: > 0 } name ? $"Tool: {name}" : "Tool",
        var other => other,
    };

    // How the body is shown: as Markdown (the model's prose), as code, collapsed (reasoning), or as plain text.
    public MessageLayout Layout => Message.ContentType switch
    {
        _ when Message.Tool is not null => MessageLayout.Tool,
        "code" or "execution_output" or "tether_browsing_code" or "tether_browsing_display" or "system_error" => MessageLayout.Code,
        _ when IsReasoning(Message) => MessageLayout.Collapsed,
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

    // Tool traffic (a call or its answer), as a labelled card: ToolCard.
    Tool,
}

// Version: Its position among the versions of the message (1-based).
public sealed record ViewerBranch(string NodeId, int Version, string Preview);

// One answer's reasoning on a page of its own: the viewer fetches it into its control, or links to it without script.
public sealed record ReasoningPage(ConversationPage Conversation, ViewerTurn Turn)
{
    public string BackLink => Conversation.Link(Conversation.Leaf) + "#m-" + Uri.EscapeDataString(Turn.NodeId);
}

// Where this conversation sits in the results view the person came from: its group, and the ones either side.
// Query: The view's key and filter, carried on to the neighbours' links so they keep to the same list.
public sealed record ConversationNeighbours(string GroupLabel, int Position, int Count, ResultConversation? Previous, ResultConversation? Next, string Query)
{
    public static ConversationNeighbours? Find(string label, IReadOnlyList<ResultConversation> conversations, int index, string view, string? titleFilter)
    {
        var query = $"?view={view}" + (titleFilter is { Length: > 0 } q ? $"&q={Uri.EscapeDataString(q)}" : "");
        var at = conversations.ToList().FindIndex(c => c.Index == index);
        return at < 0 ? null : new ConversationNeighbours(label, at + 1, conversations.Count,
            at > 0 ? conversations[at - 1] : null, at + 1 < conversations.Count ? conversations[at + 1] : null, query);
    }

    public string Link(string jobId, ResultConversation conversation) => $"/jobs/{jobId}/conversations/{conversation.Index}{Query}";
}
