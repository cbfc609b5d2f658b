namespace ChatOrganizer.Export;

/// <summary>A conversation's message tree: every node in document order, and the branch the person last saw.</summary>
/// <param name="Nodes">Every node of the mapping, in document order.</param>
/// <param name="ActivePath">Node ids from the root to the active leaf; nodes with no message are left out.</param>
/// <param name="BranchPoints">Ids of nodes with two or more children present in the mapping (edits, regenerations).</param>
public sealed record MessageTree(
    IReadOnlyList<MessageNode> Nodes,
    IReadOnlyList<string> ActivePath,
    IReadOnlyList<string> BranchPoints)
{
    public static MessageTree Empty { get; } = new([], [], []);

    private Dictionary<string, int>? _positions;
    private int[]? _activePositions;

    // `with` starts without the cached positions: they belong to the original Nodes and ActivePath.
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

    // The reader knows where each active node sits in Nodes, so ActiveMessages needs no lookups.
    internal static MessageTree Create(
        IReadOnlyList<MessageNode> nodes, IReadOnlyList<string> activePath, IReadOnlyList<string> branchPoints, int[] activePositions) =>
        new(nodes, activePath, branchPoints) { _activePositions = activePositions };

    public IEnumerable<Message> ActiveMessages
    {
        get
        {
            if (_activePositions is { } positions)
            {
                foreach (var at in positions)
                {
                    if (Nodes[at].Message is { } message) yield return message;
                }

                yield break;
            }

            foreach (var id in ActivePath)
            {
                if (Find(id)?.Message is { } message) yield return message;
            }
        }
    }

    /// <summary>
    /// The active path as turns, each with the other versions at its place (edits, regenerations: its siblings), each
    /// followed down the way ChatGPT shows it, by the latest child at each step.
    /// </summary>
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

/// <param name="NodeId">A node of the active path.</param>
/// <param name="Alternatives">The other versions of its message, each followed down to its end.</param>
public sealed record ActiveTurn(string NodeId, IReadOnlyList<AlternativeBranch> Alternatives);

/// <param name="NodeIds">From <paramref name="StartId"/> down, the latest child at each step; nodes without a message included.</param>
public sealed record AlternativeBranch(string StartId, IReadOnlyList<string> NodeIds);

/// <param name="Children">Child ids present in the mapping; derived from <c>parent</c> links when the export omits <c>children</c>.</param>
public sealed record MessageNode(string Id, string? ParentId, IReadOnlyList<string> Children, Message? Message);

/// <summary>One message, with a plain-text rendering whatever its content type.</summary>
/// <param name="Role">user, assistant, system or tool, as the export says.</param>
/// <param name="AuthorName">Tool name for tool messages (<c>python</c>, <c>browser</c>, <c>dalle.text2im</c>...).</param>
/// <param name="Recipient"><c>all</c>, or the tool an assistant message is addressed to.</param>
/// <param name="IsHidden">
/// Not shown in ChatGPT's own view: <c>is_visually_hidden_from_conversation</c>, custom-instruction system messages.
/// </param>
/// <param name="ContentType">As exported (<c>text</c>, <c>multimodal_text</c>, <c>code</c>...); empty when the message has no content.</param>
/// <param name="ModelSlug"><c>metadata.model_slug</c>; null when the message does not say (see <see cref="Conversation.DefaultModel"/>).</param>
/// <param name="Text">
/// Plain text for people and models, whatever the content type; files appear as <c>[image: name]</c>.
/// Empty only when the message holds no text at all (the empty system message that starts most conversations).
/// </param>
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
    IReadOnlyList<Attachment> Attachments)
{
    /// <summary>The tool this message calls or answers for; null for the person's and the assistant's own words.</summary>
    public ToolUse? Tool => ToolUse.Of(this);
}

/// <param name="Kind">image, audio, video or file.</param>
/// <param name="AssetPointer">The asset pointer as exported: <c>sediment://file_...</c> (new) or <c>file-service://file-...</c> (old).</param>
/// <param name="Name">
/// The original file name when the export maps it (<c>conversation_asset_file_names.json</c>, 2026), else the name of the
/// file the export stores it as (<c>file-AbC1-photo.png</c>); null when the export does not hold the file.
/// </param>
/// <param name="File">Where the export stores the file (<c>file-AbC1-photo.png</c>, <c>dalle-generations/file-....webp</c>,
/// <c>user-x/file_00....png</c>, <c>file_00ab.dat</c>); null when the export does not hold it.</param>
public sealed record Attachment(string Kind, string AssetPointer, string? Name, long? SizeBytes, string? MimeType, string? File = null)
{
    /// <summary>How the attachment shows in <see cref="Message.Text"/>: <c>[image: name]</c>.</summary>
    public string Marker => $"[{Kind}: {Name ?? AssetPointer}]";
}
