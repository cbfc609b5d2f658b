namespace ChatOrganizer.Export.Parsing;

// One entry of `mapping` as read, before the tree is put together. A struct in a list the parser
// reuses from one conversation to the next.
internal struct NodeDraft(string id)
{
    public string Id = id;
    public string? ParentId;

    // As listed in the export, null when the node has no `children` list (some newer exports).
    public string[]? Children;

    // True when `message` is anything but JSON null: such a node counts on the active path even
    // when its message could not be read.
    public bool HasMessage;
    public Message? Message;

    // The message's create_time as exported, for choosing the newest leaf.
    public double? MessageCreateTime;
    public CustomInstructions? CustomInstructions;
}
