using ChatOrganizer.Categorization;

namespace ChatOrganizer.Testing.FakeOpenAi;

/// <summary>One chat-completions request as the fake understood it.</summary>
/// <param name="Number">1 for the first request the server received.</param>
/// <param name="Model">The body's model; for an Azure deployment URL, the deployment's model.</param>
/// <param name="ApiKey">From <c>Authorization: Bearer</c>, or Azure's <c>api-key</c> header.</param>
/// <param name="SchemaKeys">The schema's key enum, wherever the mode put the schema.</param>
/// <param name="Categories">The schema's category enum; null when the schema allows any category.</param>
/// <param name="Mode">How the answer was asked for: response format, forced function, or neither.</param>
/// <param name="StrictSchema">The schema was sent as a strict parameter (response format or function).</param>
/// <param name="PromptTokens">What the request's input counts, by the model's tokenizer (the estimate for other models).</param>
/// <param name="Parameters">Top-level body fields other than messages and model (temperature, max_completion_tokens...).</param>
/// <param name="FunctionName">The forced function's name in <see cref="ResponseMode.FunctionCall"/>.</param>
public sealed record FakeChatRequest(
    int Number,
    string? Model,
    string? ApiKey,
    IReadOnlyList<FakeConversation> Conversations,
    IReadOnlyList<string> SchemaKeys,
    IReadOnlyList<string>? Categories,
    ResponseMode Mode,
    bool StrictSchema,
    string SystemMessage,
    string Path,
    int PromptTokens,
    IReadOnlyDictionary<string, string> Parameters,
    string? FunctionName);

/// <param name="Key">The key the request's schema allows for it (<c>c1</c>, <c>c2</c>...).</param>
public sealed record FakeConversation(string Key, string Title, string Text);

/// <summary>Which API the fake speaks.</summary>
public enum FakeDialect
{
    /// <summary>api.openai.com: Bearer key at <c>/v1</c>; each model refuses what OpenAI's does.</summary>
    OpenAi,

    /// <summary>Azure OpenAI: <c>api-key</c> header, at <c>/openai/v1</c> and <c>/openai/deployments/{name}/chat/completions?api-version=</c>.</summary>
    Azure,

    /// <summary>
    /// Ollama, vLLM, LM Studio: any key or none at <c>/v1</c>; <c>strict</c> ignored, JSON wrapped in a fence, prose or after a
    /// <c>&lt;think&gt;</c> block, <c>reasoning_content</c> added, no <c>usage</c>.
    /// </summary>
    Local,
}
