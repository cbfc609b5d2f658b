using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ChatOrganizer.Testing.FakeOpenAi;

/// <summary>
/// An OpenAI-compatible chat-completions server on 127.0.0.1 (random port) for tests and benchmarks. It answers
/// from the request's JSON schema: every key the schema lists, each under a category the schema allows, chosen by
/// <see cref="ChooseCategory"/>. Faults are scripted per request (<see cref="Enqueue"/>, <see cref="FaultRule"/>).
/// </summary>
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeFault> _script = new();
    private readonly ConcurrentQueue<FakeChatRequest> _received = new();
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;
    private long _promptTokens;
    private long _completionTokens;

    private FakeOpenAiServer(WebApplication app)
    {
        _app = app;
        app.MapPost("/v1/chat/completions", HandleAsync);
    }

    public static async Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAiServer(builder.Build());
        await server._app.StartAsync(cancellationToken);
        server.BaseUrl = new Uri(server._app.Urls.First().TrimEnd('/') + "/v1");
        return server;
    }

    /// <summary>What to give the SDK as its endpoint: <c>http://127.0.0.1:PORT/v1</c>.</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Added to every request before it is answered, as a real model's generation time.</summary>
    public TimeSpan Latency { get; set; }

    /// <summary>When set, any other key gets 401.</summary>
    public string? RequiredApiKey { get; set; }

    /// <summary>When set, any other model gets 404 <c>model_not_found</c>.</summary>
    public IReadOnlySet<string>? KnownModels { get; set; }

    /// <summary>
    /// Picks the category for one conversation from the allowed ones (null when any is allowed). By default: the first
    /// category whose name appears in the title or text, else <c>Other</c>, else the first category.
    /// </summary>
    public Func<FakeConversation, IReadOnlyList<string>?, string> ChooseCategory { get; set; } = ChooseByName;

    /// <summary>Consulted for each request once the <see cref="Enqueue"/>d faults run out; null answers properly.</summary>
    public Func<FakeChatRequest, FakeFault?>? FaultRule { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests received and not answered yet (nor given up by their client).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);
    public long PromptTokens => Interlocked.Read(ref _promptTokens);
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);
    public IReadOnlyList<FakeChatRequest> ReceivedRequests => [.. _received];

    /// <summary>The next requests get these faults, one each, in order.</summary>
    public void Enqueue(params FakeFault[] faults)
    {
        foreach (var fault in faults) _script.Enqueue(fault);
    }

    public static string ChooseByName(FakeConversation conversation, IReadOnlyList<string>? categories)
    {
        var names = categories ?? [];
        var text = conversation.Title + "\n" + conversation.Text;
        return names.FirstOrDefault(n => text.Contains(n, StringComparison.OrdinalIgnoreCase))
            ?? names.FirstOrDefault(n => n == "Other")
            ?? names.FirstOrDefault()
            ?? "Proposed";
    }

    private async Task HandleAsync(HttpContext context)
    {
        var number = Interlocked.Increment(ref _requests);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = MaxInFlight; inFlight > max; max = MaxInFlight)
        {
            Interlocked.CompareExchange(ref _maxInFlight, inFlight, max);
        }
        try
        {
            var body = await JsonNode.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted)
                ?? throw new InvalidOperationException("Empty request body.");
            var request = Parse(number, body, context.Request.Headers.Authorization.ToString());
            _received.Enqueue(request);
            var fault = _script.TryDequeue(out var scripted) ? scripted : FaultRule?.Invoke(request);

            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
            if (RequiredApiKey is not null && request.ApiKey != RequiredApiKey) fault = new FakeFault.Unauthorized();
            else if (KnownModels is not null && !KnownModels.Contains(request.Model ?? "")) fault = new FakeFault.ModelNotFound();

            await RespondAsync(context, request, body, fault);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client gave up (its timeout, or cancellation); nobody is listening any more.
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task RespondAsync(HttpContext context, FakeChatRequest request, JsonNode body, FakeFault? fault)
    {
        switch (fault)
        {
            case FakeFault.RateLimited limited:
                if (limited.RetryAfter is { } after)
                {
                    // As OpenAI does: whole seconds in Retry-After, the precise wait in retry-after-ms.
                    context.Response.Headers.RetryAfter = ((long)Math.Ceiling(after.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    if (after.TotalSeconds % 1 != 0)
                        context.Response.Headers["retry-after-ms"] = ((long)after.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
                }
                await ErrorAsync(context, 429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded");
                return;
            case FakeFault.QuotaExhausted:
                await ErrorAsync(context, 429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", "insufficient_quota");
                return;
            case FakeFault.ServerError error:
                await ErrorAsync(context, error.Status, "The server had an error while processing your request.", "server_error", null);
                return;
            case FakeFault.DropConnection:
                context.Abort();
                return;
            case FakeFault.Unauthorized:
                await ErrorAsync(context, 401, $"Incorrect API key provided: {request.ApiKey}.", "invalid_request_error", "invalid_api_key");
                return;
            case FakeFault.Forbidden:
                await ErrorAsync(context, 403, "You are not allowed to sample from this model.", "invalid_request_error", null);
                return;
            case FakeFault.ModelNotFound:
                await ErrorAsync(context, 404, $"The model `{request.Model}` does not exist or you do not have access to it.", "invalid_request_error", "model_not_found");
                return;
            case FakeFault.BadRequest bad:
                await ErrorAsync(context, 400, bad.Message, "invalid_request_error", null);
                return;
            case FakeFault.Slow slow:
                await Task.Delay(slow.Delay, context.RequestAborted);
                break;
            case FakeFault.Held held:
                await held.Until.WaitAsync(context.RequestAborted);
                break;
        }

        // One entry per key the schema allows, as a strict structured output would give.
        var results = request.SchemaKeys
            .Select(key => request.Conversations.FirstOrDefault(c => c.Key == key) ?? new FakeConversation(key, "", ""))
            .Select(c => new JsonObject { ["key"] = c.Key, ["category"] = ChooseCategory(c, request.Categories) })
            .ToList();
        if (fault is FakeFault.MissingKeys missing) results = results[..Math.Max(0, results.Count - missing.Count)];
        if (fault is FakeFault.WrongCategory wrong && results.Count > 0) results[0]["category"] = wrong.Category;
        var content = new JsonObject { ["results"] = new JsonArray([.. results]) }.ToJsonString();
        if (fault is FakeFault.MalformedJson) content = content[..(content.Length / 2)];

        var promptTokens = (body["messages"]?.AsArray() ?? []).Sum(m => Tokens(m?["content"]?.ToString() ?? ""));
        var completionTokens = Tokens(content);
        Interlocked.Add(ref _promptTokens, promptTokens);
        Interlocked.Add(ref _completionTokens, completionTokens);

        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{request.Number}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = request.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = content, ["refusal"] = null },
                ["logprobs"] = null,
                ["finish_reason"] = "stop",
            }),
            ["usage"] = new JsonObject
            {
                ["prompt_tokens"] = promptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = promptTokens + completionTokens,
            },
        };
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString(), context.RequestAborted);
    }

    private static async Task ErrorAsync(HttpContext context, int status, string message, string type, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = null, ["code"] = code },
        };
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    // Reads what the categorizer sends: a system message, a user message whose content is
    // {"conversations":[{"key","title","text"}]}, and a json_schema response format with the enums.
    private static FakeChatRequest Parse(int number, JsonNode body, string authorization)
    {
        var messages = body["messages"]?.AsArray() ?? [];
        string Content(string role) => messages.FirstOrDefault(m => m?["role"]?.ToString() == role)?["content"] is { } c
            ? c is JsonArray parts ? string.Concat(parts.Select(p => p?["text"]?.ToString())) : c.ToString()
            : "";

        var conversations = new List<FakeConversation>();
        try
        {
            if (JsonNode.Parse(Content("user"))?["conversations"] is JsonArray items)
            {
                conversations.AddRange(items.Select(i => new FakeConversation(
                    i?["key"]?.ToString() ?? "", i?["title"]?.ToString() ?? "", i?["text"]?.ToString() ?? "")));
            }
        }
        catch (JsonException)
        {
            // Not the categorizer's format: answer with no conversations.
        }

        var format = body["response_format"]?["json_schema"];
        var item = format?["schema"]?["properties"]?["results"]?["items"]?["properties"];
        var keys = (item?["key"]?["enum"] as JsonArray)?.Select(k => k!.ToString()).ToList() ?? [];
        var categories = (item?["category"]?["enum"] as JsonArray)?.Select(c => c!.ToString()).ToList();
        var strict = format?["strict"]?.GetValueKind() == JsonValueKind.True;
        var apiKey = authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        return new FakeChatRequest(number, body["model"]?.ToString(), apiKey, conversations, keys, categories, strict, Content("system"));
    }

    private static int Tokens(string text) => (text.Length + 3) / 4;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
