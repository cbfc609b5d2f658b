namespace ChatOrganizer.Export.Parsing;

// One entry of `mapping` as read, before the tree is put together.
internal sealed class NodeDraft(string id)
{
    public string Id { get; } = id;
    public string? ParentId { get; set; }

    // As listed in the export, null when the node has no `children` list (some newer exports).
    public List<string>? Children { get; set; }

    // True when `message` is anything but JSON null: such a node counts on the active path even
    // when its message could not be read.
    public bool HasMessage { get; set; }
    public Message? Message { get; set; }

    // The message's create_time as exported, for choosing the newest leaf.
    public double? MessageCreateTime { get; set; }
    public CustomInstructions? CustomInstructions { get; set; }
}
