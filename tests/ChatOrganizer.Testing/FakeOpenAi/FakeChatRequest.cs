namespace ChatOrganizer.Testing.FakeOpenAi;

/// <summary>One chat-completions request as the fake understood it.</summary>
/// <param name="Number">1 for the first request the server received.</param>
/// <param name="SchemaKeys">The schema's key enum.</param>
/// <param name="Categories">The schema's category enum; null when the schema allows any category.</param>
/// <param name="StrictSchema">The response format asked for a strict JSON schema.</param>
public sealed record FakeChatRequest(
    int Number,
    string? Model,
    string? ApiKey,
    IReadOnlyList<FakeConversation> Conversations,
    IReadOnlyList<string> SchemaKeys,
    IReadOnlyList<string>? Categories,
    bool StrictSchema,
    string SystemMessage);

/// <param name="Key">The key the request's schema allows for it (<c>c1</c>, <c>c2</c>...).</param>
public sealed record FakeConversation(string Key, string Title, string Text);
