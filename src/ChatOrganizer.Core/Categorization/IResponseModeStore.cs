using System.Collections.Concurrent;

namespace ChatOrganizer.Categorization;

// How an endpoint is asked for its answer, best first. The first one an endpoint accepts is used for every request to
// it; what each gives back is read and checked the same way.
public enum ResponseMode
{
    // Structured outputs: response_format json_schema, strict.
    JsonSchema,

    // A forced function call whose parameters are the same schema (gpt-4, gpt-3.5-turbo, older servers).
    FunctionCall,

    // JSON mode (json_object), the schema spelled out in the prompt.
    JsonObject,

    // No response format at all: the answer is read out of whatever text comes back.
    PlainText,
}

// What is remembered of an endpoint and model.
// Settled:
// True when Mode answered. False when it is only the next one to try: a run that was refused a mode
// without learning what works instead answers in plain text, and leaves the next mode for the next run to try once,
// so no run pays for more than one refusal.
public sealed record RememberedMode(ResponseMode Mode, bool Settled = true);

// The response mode found to work for an endpoint and model, so later runs, other work items and other instances
// start on it instead of paying for the refusals again.
public interface IResponseModeStore
{
    // endpoint: Scheme, host and path of the endpoint (and Azure's api-version): never a key.
    Task<RememberedMode?> GetAsync(string endpoint, string model, CancellationToken cancellationToken);

    Task PutAsync(string endpoint, string model, RememberedMode mode, CancellationToken cancellationToken);
}

// For tests and as the default; lives as long as the process.
public sealed class InMemoryResponseModeStore : IResponseModeStore
{
    private readonly ConcurrentDictionary<(string Endpoint, string Model), RememberedMode> _modes = new();

    public Task<RememberedMode?> GetAsync(string endpoint, string model, CancellationToken cancellationToken) =>
        Task.FromResult(_modes.GetValueOrDefault((endpoint, model)));

    public Task PutAsync(string endpoint, string model, RememberedMode mode, CancellationToken cancellationToken)
    {
        _modes[(endpoint, model)] = mode;
        return Task.CompletedTask;
    }
}
