namespace ChatOrganizer.Categorization;

/// <summary>
/// One run's overrides of the configured model access, and where its telemetry goes. A person's own key
/// given for one job goes here; it is used for that run's requests only and never logged or shown.
/// </summary>
public sealed class CategorizationRun
{
    public string? ApiKey { get; init; }
    public string? Model { get; init; }

    /// <summary>An OpenAI-compatible endpoint up to and including <c>/v1</c>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary>Use the offline categorizer even when a key is configured.</summary>
    public bool Offline { get; init; }

    public CategorizationTelemetry Telemetry { get; init; } = new();

    /// <summary>
    /// Conversations the person filed themselves: the offline categorizer reads them as nearest neighbours beside the
    /// category descriptions (corrections feed this).
    /// </summary>
    public IReadOnlyList<Offline.LabelledExample> Examples { get; init; } = [];

    public override string ToString() =>
        $"CategorizationRun {{ Model = {Model ?? "(configured)"}, BaseUrl = {BaseUrl ?? "(configured)"}, Offline = {Offline}, ApiKey = {(ApiKey is null ? "(configured)" : "(given)")} }}";
}

/// <summary>
/// Counters a job shows as progress, and events it writes to its log. Events never carry conversation text or a key.
/// </summary>
/// <param name="onEvent">Called as things happen, from several requests at once: it must be thread-safe and quick.</param>
public sealed class CategorizationTelemetry(Action<CategorizationEvent>? onEvent = null)
{
    private int _requests;
    private int _retries;
    private long _inputTokens;
    private long _outputTokens;
    private int _categorized;
    private int _failed;
    private int _fromCache;
    private volatile string? _model;
    private volatile ModelPrice? _price;
    private CategorizationEngine _engine;

    /// <summary>Requests sent, retries included.</summary>
    public int Requests => Volatile.Read(ref _requests);
    public int Retries => Volatile.Read(ref _retries);
    public long InputTokens => Interlocked.Read(ref _inputTokens);
    public long OutputTokens => Interlocked.Read(ref _outputTokens);

    /// <summary>Conversations categorized so far, from the cache included.</summary>
    public int Categorized => Volatile.Read(ref _categorized);
    public int Failed => Volatile.Read(ref _failed);
    public int FromCache => Volatile.Read(ref _fromCache);

    public CategorizationUsage Snapshot()
    {
        var price = _price;
        return new CategorizationUsage(_model, _engine, Requests, Retries, InputTokens, OutputTokens, Categorized, Failed, FromCache,
            price?.Cost(InputTokens, OutputTokens));
    }

    internal void Begin(CategorizationEngine engine, string? model, ModelPrice? price)
    {
        _engine = engine;
        _model = model;
        _price = engine == CategorizationEngine.Offline ? new ModelPrice() : price;
    }

    internal void RequestSent() => Interlocked.Increment(ref _requests);

    internal void Tokens(int input, int output)
    {
        Interlocked.Add(ref _inputTokens, input);
        Interlocked.Add(ref _outputTokens, output);
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

/// <summary>What a run used. <see cref="CostUsd"/> is null when the model has no price in the options' table.</summary>
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
    decimal? CostUsd);

/// <summary>Something a job log should say. No event holds conversation text or a key.</summary>
public abstract record CategorizationEvent
{
    /// <param name="InputTokens">From the answer's <c>usage</c>; estimated when the endpoint does not report it.</param>
    public sealed record RequestCompleted(int Conversations, int Attempt, int InputTokens, int OutputTokens, TimeSpan Elapsed)
        : CategorizationEvent;

    /// <param name="Reason">What went wrong, e.g. <c>HTTP 429 (Retry-After 2s)</c>, <c>timed out after 60s</c>, <c>connection dropped</c>.</param>
    public sealed record RetryScheduled(int Conversations, int Attempt, string Reason, TimeSpan Delay) : CategorizationEvent;

    /// <summary>An answer left conversations out or named wrong categories; they are asked again in smaller batches.</summary>
    public sealed record AnswerIncomplete(int Conversations, int AskingAgain, string Reason) : CategorizationEvent;

    public sealed record ConversationFailed(string ConversationId, string Reason) : CategorizationEvent;
}
