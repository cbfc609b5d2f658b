namespace ChatOrganizer.Export;

// A conversation's message tree: every node in document order, and the branch the person last saw.
// Nodes: Every node of the mapping, in document order.
// ActivePath: Node ids from the root to the active leaf; nodes with no message are left out.
// BranchPoints: Ids of nodes with two or more children present in the mapping (edits, regenerations).
public sealed record MessageTree(
    IReadOnlyList<MessageNode> Nodes,
    IReadOnlyList<string> ActivePath,
    IReadOnlyList<string> BranchPoints)
{
    public static MessageTree Empty { get; } = new([], [], []);

    private Dictionary<string, int>? _positions;
    private Message[]? _activeMessages;

    // `with` starts without the cached positions and messages: they belong to the original Nodes and ActivePath.
    private MessageTree(MessageTree original)
    {
        Nodes = original.Nodes;
        ActivePath = original.ActivePath;
        BranchPoints = original.BranchPoints;
    }

    public MessageNode? Find(string id)
    {
        if (_positions is null)
        {
            var positions = new Dictionary<string, int>(Nodes.Count, StringComparer.Ordinal);
            for (var i = 0; i < Nodes.Count; i++) positions.TryAdd(Nodes[i].Id, i);
            _positions = positions;
        }

        return _positions.TryGetValue(id, out var at) ? Nodes[at] : null;
    }

    // The reader has the active path's messages at hand, so ActiveMessages needs no lookups and no iterator.
    internal static MessageTree Create(
        IReadOnlyList<MessageNode> nodes, IReadOnlyList<string> activePath, IReadOnlyList<string> branchPoints, Message[] activeMessages) =>
        new(nodes, activePath, branchPoints) { _activeMessages = activeMessages };

    public IEnumerable<Message> ActiveMessages => _activeMessages ?? FindActiveMessages();

    private IEnumerable<Message> FindActiveMessages()
    {
        foreach (var id in ActivePath)
        {
            if (Find(id)?.Message is { } message) yield return message;
        }
    }

    // The active path as turns, each with the other versions at its place (edits, regenerations: its siblings), each
    // followed down the way ChatGPT shows it, by the latest child at each step.
    public IReadOnlyList<ActiveTurn> ActiveTurns()
    {
        var turns = new List<ActiveTurn>(ActivePath.Count);
        foreach (var id in ActivePath)
        {
            if (Find(id) is not { } node) continue;
            var siblings = node.ParentId is { } parentId && Find(parentId) is { } parent
                ? parent.Children.Where(c => c != id).Select(Follow).ToList()
                : [];
            turns.Add(new ActiveTurn(id, siblings));
        }
        return turns;
    }

    private AlternativeBranch Follow(string startId)
    {
        var ids = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var id = startId; id is not null && seen.Add(id) && Find(id) is { } node; id = node.Children.LastOrDefault())
        {
            ids.Add(id);
        }
        return new AlternativeBranch(startId, ids);
    }
}

// NodeId: A node of the active path.
// Alternatives: The other versions of its message, each followed down to its end.
public sealed record ActiveTurn(string NodeId, IReadOnlyList<AlternativeBranch> Alternatives);

// NodeIds: From StartId down, the latest child at each step; nodes without a message included.
public sealed record AlternativeBranch(string StartId, IReadOnlyList<string> NodeIds);

// Children: Child ids present in the mapping; derived from parent links when the export omits children.
public sealed record MessageNode(string Id, string? ParentId, IReadOnlyList<string> Children, Message? Message);

// One message, with a plain-text rendering whatever its content type.
// Role: user, assistant, system or tool, as the export says.
// AuthorName: Tool name for tool messages (python, browser, dalle.text2im...).
// Recipient: all, or the tool an assistant message is addressed to.
// IsHidden:
// Not shown in ChatGPT's own view: is_visually_hidden_from_conversation, custom-instruction system messages.
//
// ContentType: As exported (text, multimodal_text, code...); empty when the message has no content.
// ModelSlug: metadata.model_slug; null when the message does not say (see Conversation.DefaultModel).
// Citations: The sources an answer cites, by the markers in its Text (browsing and search answers); null when none.
// Text:
// Plain text for people and models, whatever the content type; files appear as [image: name].
// Empty only when the message holds no text at all (the empty system message that starts most conversations).
public sealed record Message(
    string Id,
    string Role,
    string? AuthorName,
    string? Recipient,
    string ContentType,
    string? ModelSlug,
    DateTimeOffset? CreateTime,
    DateTimeOffset? UpdateTime,
    string? Status,
    string? Channel,
    bool IsHidden,
    string Text,
    IReadOnlyList<Attachment> Attachments,
    IReadOnlyList<Citation>? Citations = null)
{
    // The tool this message calls or answers for; null for the person's and the assistant's own words.
    public ToolUse? Tool => ToolUse.Of(this);
}

// A source an answer cites. Marker: how the text marks the place ("【3:0†source】", or private-use characters around
// "cite" and "turn0search3" since 2025). Url: null when the export names no page for it (the marker is then only
// machinery, which ChatGPT does not show).
public sealed record Citation(string Marker, string? Title, string? Url);

// Kind: image, audio, video or file.
// AssetPointer: The asset pointer as exported: sediment://file_... (new) or file-service://file-... (old).
// Name:
// The original file name when the export maps it (conversation_asset_file_names.json, 2026), else the name of the
// file the export stores it as (file-AbC1-photo.png); null when the export does not hold the file.
//
// File: Where the export stores the file (file-AbC1-photo.png, dalle-generations/file-....webp,
// user-x/file_00....png, file_00ab.dat); null when the export does not hold it.
public sealed record Attachment(string Kind, string AssetPointer, string? Name, long? SizeBytes, string? MimeType, string? File = null)
{
    // How the attachment shows in Message.Text: [image: name].
    public string Marker => $"[{Kind}: {Name ?? AssetPointer}]";
}
