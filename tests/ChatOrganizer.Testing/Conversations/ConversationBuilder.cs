using ChatOrganizer.Export;

namespace ChatOrganizer.Testing.Conversations;

// Builds a Conversation the way the export reader would produce it: one linear active path,
// so tests say only what matters to them (roles, text, hidden messages, tool output).
public sealed class ConversationBuilder(string id)
{
    private readonly List<Message> _messages = [];
    private string? _title = "Untitled";

    public static ConversationBuilder Create(string id = "conv-1") => new(id);

    public ConversationBuilder Titled(string? title)
    {
        _title = title;
        return this;
    }

    public ConversationBuilder User(string text) => Add("user", text);

    public ConversationBuilder Assistant(string text) => Add("assistant", text);

    // A system message hidden from the person's view, as custom instructions are.
    public ConversationBuilder HiddenSystem(string text) => Add("system", text, isHidden: true);

    public ConversationBuilder Tool(string name, string output) =>
        Add("tool", output, contentType: "execution_output", authorName: name);

    // An assistant message addressed to a tool (code for python, a browser query).
    public ConversationBuilder ToolCall(string tool, string code) =>
        Add("assistant", code, contentType: "code", recipient: tool);

    public ConversationBuilder Thoughts(string text) => Add("assistant", text, contentType: "thoughts");

    public ConversationBuilder Add(
        string role,
        string text,
        string contentType = "text",
        bool isHidden = false,
        string? authorName = null,
        string recipient = "all",
        IReadOnlyList<Attachment>? attachments = null)
    {
        var time = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero).AddMinutes(_messages.Count);
        _messages.Add(new Message(
            Id: $"{id}-m{_messages.Count}",
            Role: role,
            AuthorName: authorName,
            Recipient: recipient,
            ContentType: contentType,
            ModelSlug: role == "assistant" ? "gpt-4o" : null,
            CreateTime: time,
            UpdateTime: null,
            Status: "finished_successfully",
            Channel: null,
            IsHidden: isHidden,
            Text: text,
            Attachments: attachments ?? []));
        return this;
    }

    public Conversation Build()
    {
        var nodes = _messages
            .Select((m, i) => new MessageNode(
                m.Id,
                ParentId: i == 0 ? null : _messages[i - 1].Id,
                Children: i + 1 < _messages.Count ? [_messages[i + 1].Id] : [],
                Message: m))
            .ToList();
        return new Conversation
        {
            Location = new ConversationLocation("conversations.json", 0),
            Id = id,
            Title = _title,
            CreateTime = new DateTimeOffset(2024, 1, 1, 12, 0, 0, TimeSpan.Zero),
            HasMapping = true,
            Tree = new MessageTree(nodes, nodes.Select(n => n.Id).ToList(), []),
        };
    }
}
