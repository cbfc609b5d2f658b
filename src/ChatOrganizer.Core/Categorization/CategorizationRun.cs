namespace ChatOrganizer.Categorization;

// One run's overrides of the configured model access, and where its telemetry goes. A person's own key
// given for one job goes here; it is used for that run's requests only and never logged or shown.
public sealed class CategorizationRun
{
    public string? ApiKey { get; init; }
    public string? Model { get; init; }

    // An OpenAI-compatible endpoint up to and including /v1.
    public string? BaseUrl { get; init; }

    // Use the offline categorizer even when a key is configured.
    public bool Offline { get; init; }

    public CategorizationTelemetry Telemetry { get; init; } = new();

    // Conversations the person filed themselves (corrections feed this): the offline categorizer reads them as nearest
    // neighbours beside the category descriptions; a model sees a few of them as examples in its instructions.
    public IReadOnlyList<Offline.LabelledExample> Examples { get; init; } = [];

    public override string ToString() =>
        $"CategorizationRun {{ Model = {Model ?? "(configured)"}, BaseUrl = {BaseUrl ?? "(configured)"}, Offline = {Offline}, ApiKey = {(ApiKey is null ? "(configured)" : "(given)")} }}";
}

// Counters a job shows as progress, and events it writes to its log. Events never carry conversation text or a key.
//
// onEvent: Called as things happen, from several requests at once: it must be thread-safe and quick.
public sealed class CategorizationTelemetry(Action<CategorizationEvent>? onEvent = null)
{
    private int _requests;
    private int _retries;
    private long _inputTokens;
    private long _outputTokens;
    private long _unreportedInputTokens;
    private int _categorized;
    private int _failed;
    private int _fromCache;
    private volatile string? _model;
    private volatile ModelPrice? _price;
    private CategorizationEngine _engine;

    // Requests sent, retries included.
    public int Requests => Volatile.Read(ref _requests);
    public int Retries => Volatile.Read(ref _retries);
    public long InputTokens => Interlocked.Read(ref _inputTokens);
    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    // Input tokens of requests whose answer reported no usage: counted here, as sent (see CategorizationUsage.UnreportedInputTokens).
    public long UnreportedInputTokens => Interlocked.Read(ref _unreportedInputTokens);

    // Conversations categorized so far, from the cache included.
    public int Categorized => Volatile.Read(ref _categorized);
    public int Failed => Volatile.Read(ref _failed);
    public int FromCache => Volatile.Read(ref _fromCache);

    public CategorizationUsage Snapshot()
    {
        var price = _price;
        return new CategorizationUsage(_model, _engine, Requests, Retries, InputTokens, OutputTokens, Categorized, Failed, FromCache,
            price?.Cost(InputTokens, OutputTokens), UnreportedInputTokens, TokenCounter.For(_model).Description);
    }

    internal void Begin(CategorizationEngine engine, string? model, ModelPrice? price)
    {
        _engine = engine;
        _model = model;
        _price = engine == CategorizationEngine.Offline ? new ModelPrice() : price;
    }

    internal void RequestSent() => Interlocked.Increment(ref _requests);

    internal void Tokens(int input, int output, bool reported)
    {
        Interlocked.Add(ref _inputTokens, input);
        Interlocked.Add(ref _outputTokens, output);
        if (!reported) Interlocked.Add(ref _unreportedInputTokens, input);
    }

    internal void Finished(IReadOnlyCollection<CategoryAssignment> assignments, bool fromCache)
    {
        var failed = assignments.Count(a => a.Status == CategorizationStatus.Failed);
        Interlocked.Add(ref _categorized, assignments.Count - failed);
        Interlocked.Add(ref _failed, failed);
        if (fromCache) Interlocked.Add(ref _fromCache, assignments.Count);
    }

    internal void Publish(CategorizationEvent e)
    {
        if (e is CategorizationEvent.RetryScheduled) Interlocked.Increment(ref _retries);
        onEvent?.Invoke(e);
    }
}

// What a run used. CostUsd is null when the model has no price in the options' table.
// UnreportedInputTokens: The part of InputTokens the endpoint did not report, counted locally as TokenCounting says.
// TokenCounting: "counted with o200k_base" (or cl100k_base) for OpenAI models, else "estimated".
public sealed record CategorizationUsage(
    string? Model,
    CategorizationEngine Engine,
    int Requests,
    int Retries,
    long InputTokens,
    long OutputTokens,
    int Categorized,
    int Failed,
    int FromCache,
    decimal? CostUsd,
    long UnreportedInputTokens,
    string TokenCounting);

// Something a job log should say. No event holds conversation text or a key.
public abstract record CategorizationEvent
{
    // InputTokens: From the answer's usage; counted locally when UsageReported is false.
    public sealed record RequestCompleted(int Conversations, int Attempt, int InputTokens, int OutputTokens, TimeSpan Elapsed, bool UsageReported)
        : CategorizationEvent;

    // The first answer of a run came back: the mode it answers in, and the modes the endpoint refused on the way.
    // Remembered: Known from an earlier run (the store), not found now.
    // Discovered: This run's own request found it.
    // TriedNextRun:
    // This run answers in plain text for now: it was refused a mode without learning what works instead, and the next
    // run tries this mode once.
    public sealed record ResponseModeChosen(
        string Model, ResponseMode Mode, IReadOnlyList<ResponseMode> Refused, bool Remembered, bool Discovered, ResponseMode? TriedNextRun = null)
        : CategorizationEvent
    {
        // In words, for a job log or the CLI: "gpt-4 does not support structured outputs here; answering through a function call."
        public string Sentence => TriedNextRun is { } next
            ? $"{Model} does not support {string.Join(" or ", Refused.Select(Lacks))} here; answering {Answering(Mode)}, for this run; the next run tries {Trying(next)} once."
            : Refused.Count > 0
            ? $"{Model} does not support {string.Join(" or ", Refused.Select(Lacks))} here; answering {Answering(Mode)}."
            : Mode == ResponseMode.JsonSchema
                ? $"{Model} answers with structured outputs (a strict JSON schema)."
                : $"{Model} answers {Answering(Mode)}{(Remembered ? ", as an earlier run found" : " here")}.";

        private static string Trying(ResponseMode mode) => mode switch
        {
            ResponseMode.FunctionCall => "a function call",
            ResponseMode.JsonObject => "JSON mode",
            _ => "plain text",
        };

        private static string Lacks(ResponseMode mode) => mode switch
        {
            ResponseMode.JsonSchema => "structured outputs",
            ResponseMode.FunctionCall => "function calls",
            _ => "JSON mode",
        };

        private static string Answering(ResponseMode mode) => mode switch
        {
            ResponseMode.JsonSchema => "with structured outputs",
            ResponseMode.FunctionCall => "through a function call",
            ResponseMode.JsonObject => "in JSON mode, with the schema in the prompt",
            _ => "in plain text, with the schema in the prompt",
        };
    }

    // An answer without usage: from now on this run's tokens are counted (or estimated) locally.
    public sealed record UsageNotReported(string Model, string TokenCounting) : CategorizationEvent
    {
        public string Sentence => $"The endpoint reports no token usage for {Model}; input tokens are {TokenCounting} here instead.";
    }

    // Reason: What went wrong, e.g. HTTP 429 (Retry-After 2s), timed out after 60s, connection dropped.
    public sealed record RetryScheduled(int Conversations, int Attempt, string Reason, TimeSpan Delay) : CategorizationEvent;

    // An answer left conversations out or named wrong categories; they are asked again in smaller batches.
    public sealed record AnswerIncomplete(int Conversations, int AskingAgain, string Reason) : CategorizationEvent;

    public sealed record ConversationFailed(string ConversationId, string Reason) : CategorizationEvent;
}
