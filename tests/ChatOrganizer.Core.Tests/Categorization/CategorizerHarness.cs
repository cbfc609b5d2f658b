using Microsoft.Extensions.Time.Testing;
using System.Collections.Concurrent;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.FakeOpenAi;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Core.Tests.Categorization;

// A fake OpenAI server, and a categorizer pointed at it with millisecond backoff so failure tests stay fast.
internal sealed class CategorizerHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-test-5ecret-0123456789abcdef";

    private CategorizerHarness(FakeOpenAiServer server, CategorizationOptions options)
    {
        Server = server;
        Options = options;
    }

    public FakeOpenAiServer Server { get; }
    public CategorizationOptions Options { get; }
    public InMemoryCategorizationCache Cache { get; } = new();

    // Response modes found, kept across Categorizers as a later run's would be.
    public InMemoryResponseModeStore Modes { get; } = new();
    public RecordingLogger Logger { get; } = new();
    public ConcurrentQueue<CategorizationEvent> Events { get; } = new();

    public static async Task<CategorizerHarness> StartAsync(Action<CategorizationOptions>? configure = null, FakeDialect dialect = FakeDialect.OpenAi)
    {
        var server = await FakeOpenAiServer.StartAsync(dialect);
        var options = new CategorizationOptions
        {
            ApiKey = ApiKey,
            BaseUrl = server.BaseUrl.ToString(),
            BackoffBase = TimeSpan.FromMilliseconds(1),
            BackoffCap = TimeSpan.FromMilliseconds(10),
            RetryAfterCap = TimeSpan.FromSeconds(5),
            RequestTimeout = TimeSpan.FromSeconds(10),
        };
        configure?.Invoke(options);
        return new CategorizerHarness(server, options);
    }

    // The categorizer's clock: the real one, or a test's FakeTimeProvider (see CategorizeOnClockAsync).
    public TimeProvider Time { get; set; } = TimeProvider.System;

    public BatchCategorizer Categorizer() =>
        new(Microsoft.Extensions.Options.Options.Create(Options), Cache, Time, Logger, responseModes: Modes);

    // Categorizes on time, moving it on half a second at each turn until the run ends: backoff waits
    // of seconds pass on the clock while no real time passes. Requests get the whole half hour, so the moving clock
    // never times one out.
    public async Task<List<CategoryAssignment>> CategorizeOnClockAsync(FakeTimeProvider time, IEnumerable<ConversationDigest> digests)
    {
        Time = time;
        Options.RequestTimeout = TimeSpan.FromMinutes(30);
        var categorizing = CategorizeAsync(digests);
        while (!categorizing.IsCompleted)
        {
            time.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(1);
        }
        return await categorizing;
    }

    // As if an earlier run had found the mode: requests go out at once, all in flight together.
    public Task RememberModeAsync(ResponseMode mode, string model = CategorizationOptions.DefaultModel) =>
        Modes.PutAsync(Server.BaseUrl.ToString().TrimEnd('/'), model, new RememberedMode(mode), CancellationToken.None);

    public CategorizationRun Run(string? apiKey = null, string? model = null, string? baseUrl = null, bool offline = false) =>
        new() { ApiKey = apiKey, Model = model, BaseUrl = baseUrl, Offline = offline, Telemetry = new CategorizationTelemetry(Events.Enqueue) };

    public async Task<List<CategoryAssignment>> CategorizeAsync(
        IEnumerable<ConversationDigest> digests, CategorySet? set = null, CategorizationRun? run = null, CancellationToken cancellationToken = default)
    {
        var results = new List<CategoryAssignment>();
        await foreach (var batch in Categorizer().CategorizeAsync(digests, set ?? CategorySet.Default, run ?? Run(), cancellationToken))
        {
            results.AddRange(batch.Assignments);
        }
        return results;
    }

    // Digests whose text names one of the default topics, in turn; the fake picks categories by name.
    public static List<ConversationDigest> Digests(int count, int first = 0) =>
        [.. Enumerable.Range(first, count).Select(i => new ConversationDigest(
            $"conv-{i}", $"Question {i}", $"User: something about {Expected(i)} please", 30, $"hash-{i}"))];

    public static string Expected(int i) => CategorySet.Default.Categories[i % 10].Name;

    // Every string the run put anywhere a person or a log could see.
    public IEnumerable<string> EverythingSaid(IEnumerable<CategoryAssignment> results, Exception? failure = null) =>
        results.Select(r => r.ToString())
            .Concat(Events.Select(e => e.ToString()))
            .Concat(Logger.Lines)
            .Concat(failure is null ? [] : [failure.ToString()]);

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

internal sealed class RecordingLogger : ILogger<BatchCategorizer>
{
    private readonly ConcurrentQueue<string> _lines = new();

    public IEnumerable<string> Lines => _lines;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _lines.Enqueue($"{logLevel}: {formatter(state, exception)} {exception}");
}
