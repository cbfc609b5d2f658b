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

    private IReadOnlyDictionary<string, int>? _positions;

    // `with` starts without the cached positions: they belong to the original Nodes.
    private MessageTree(MessageTree original)
    {
        Nodes = original.Nodes;
        ActivePath = original.ActivePath;
        BranchPoints = original.BranchPoints;
    }

    public MessageNode? Find(string id)
    {
        _positions ??= PositionsOf(Nodes);
        return _positions.TryGetValue(id, out var at) ? Nodes[at] : null;
    }

    // The reader already holds each id's position in Nodes; passing it on saves a second index.
    internal static MessageTree Create(
        IReadOnlyList<MessageNode> nodes, IReadOnlyList<string> activePath, IReadOnlyList<string> branchPoints, IReadOnlyDictionary<string, int> positions) =>
        new(nodes, activePath, branchPoints) { _positions = positions };

    private static Dictionary<string, int> PositionsOf(IReadOnlyList<MessageNode> nodes)
    {
        var positions = new Dictionary<string, int>(nodes.Count, StringComparer.Ordinal);
        for (var i = 0; i < nodes.Count; i++) positions.TryAdd(nodes[i].Id, i);
        return positions;
    }

    public IEnumerable<Message> ActiveMessages =>
        ActivePath.Select(Find).Where(n => n?.Message is not null).Select(n => n!.Message!);
}

/// <param name="Children">Child ids present in the mapping; derived from <c>parent</c> links when the export omits <c>children</c>.</param>
public sealed record MessageNode(string Id, string? ParentId, IReadOnlyList<string> Children, Message? Message);

/// <summary>One message, with a plain-text rendering whatever its content type.</summary>
/// <param name="Role">user, assistant, system or tool, as the export says.</param>
/// <param name="AuthorName">Tool name for tool messages (<c>python</c>, <c>browser</c>, <c>dalle.text2im</c>...).</param>
/// <param name="Recipient"><c>all</c>, or the tool an assistant message is addressed to.</param>
/// <param name="IsHidden">
/// Not shown in ChatGPT's own view: <c>is_visually_hidden_from_conversation</c>, custom-instruction system messages.
/// </param>
/// <param name="Text">Plain text for people and models; never empty for a message that has content.</param>
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
    IReadOnlyList<Attachment> Attachments);

/// <param name="Kind">image, audio, video or file.</param>
/// <param name="AssetPointer">The asset pointer as exported: <c>sediment://file_...</c> (new) or <c>file-service://file-...</c> (old).</param>
public sealed record Attachment(string Kind, string AssetPointer, string? Name, long? SizeBytes, string? MimeType);
