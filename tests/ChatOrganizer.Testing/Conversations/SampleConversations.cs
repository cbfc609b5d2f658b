using ChatOrganizer.Export;

namespace ChatOrganizer.Testing.Conversations;

/// <summary>Conversations shaped the way the reader produces them, for tests that need more than one straight path.</summary>
public static class SampleConversations
{
    /// <summary>
    /// "Bread": root → question → { first answer (an earlier regeneration), latest answer (active) }, with custom
    /// instructions; node ids <c>q</c>, <c>a-old</c>, <c>a-new</c>, all messages at 2024-03-01 09:00 UTC.
    /// </summary>
    public static Conversation RegeneratedAnswer()
    {
        static Message Says(string id, string role, string text) =>
            new(id, role, null, "all", "text", role == "assistant" ? "gpt-4o" : null, new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero),
                null, "finished_successfully", null, false, text, []);
        MessageNode[] nodes =
        [
            new("root", null, ["q"], null),
            new("q", "root", ["a-old", "a-new"], Says("q", "user", "How do I bake bread?")),
            new("a-old", "q", [], Says("a-old", "assistant", "Use flour and water.")),
            new("a-new", "q", [], Says("a-new", "assistant", "Use a hot oven.")),
        ];
        return new Conversation
        {
            Location = new ConversationLocation("conversations.json", 0),
            Id = "bread",
            Title = "Bread",
            CreateTime = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero),
            CustomInstructions = new CustomInstructions("I bake on weekends.", "Be brief.", CustomInstructionsSource.UserEditableContext),
            Tree = new MessageTree(nodes, ["q", "a-new"], ["q"]),
        };
    }
}
