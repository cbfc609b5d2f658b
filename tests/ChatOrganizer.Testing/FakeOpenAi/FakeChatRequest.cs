using ChatOrganizer.Categorization;

namespace ChatOrganizer.Testing.FakeOpenAi;

// One chat-completions request as the fake understood it.
// Number: 1 for the first request the server received.
// Model: The body's model; for an Azure deployment URL, the deployment's model.
// ApiKey: From Authorization: Bearer, or Azure's api-key header.
// SchemaKeys: The schema's key enum, wherever the mode put the schema.
// Categories: The schema's category enum; null when the schema allows any category.
// Mode: How the answer was asked for: response format, forced function, or neither.
// StrictSchema: The schema was sent as a strict parameter (response format or function).
// PromptTokens: What the request's input counts, by the model's tokenizer (the estimate for other models).
// Parameters: Top-level body fields other than messages and model (temperature, max_completion_tokens...).
// FunctionName: The forced function's name in ResponseMode.FunctionCall.
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

// Key: The key the request's schema allows for it (c1, c2...).
public sealed record FakeConversation(string Key, string Title, string Text);

// Which API the fake speaks.
public enum FakeDialect
{
    // api.openai.com: Bearer key at /v1; each model refuses what OpenAI's does.
    OpenAi,

    // Azure OpenAI: api-key header, at /openai/v1 and /openai/deployments/{name}/chat/completions?api-version=.
    Azure,

    // Ollama, vLLM, LM Studio: any key or none at /v1; strict ignored, JSON wrapped in a fence, prose or after a
    // <think> block, reasoning_content added, no usage.
    Local,
}
