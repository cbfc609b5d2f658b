using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatOrganizer.Categorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.ML.Tokenizers;

namespace ChatOrganizer.Testing.FakeOpenAi;

// An OpenAI-compatible chat-completions server on 127.0.0.1 (random port) for tests and benchmarks. It answers
// from the request's JSON schema (a strict response format, a forced function's parameters, or the schema spelled
// out in the system message): every key the schema lists, each under a category the schema allows, chosen by
// ChooseCategory. It speaks one FakeDialect, and in OpenAI's and Azure's refuses what each
// model refuses there, with the same error bodies. Faults are scripted per request (Enqueue, FaultRule).
public sealed class FakeOpenAiServer : IAsyncDisposable
{
    // The marker the categorizer's prompt puts before the schema in JSON mode and plain text.
    private const string SchemaInPrompt = "JSON schema: ";

    // OpenAI's cookbook ("How to count tokens with tiktoken"): 3 tokens around each message, 3 priming the reply.
    private const int TokensPerMessage = 3;
    private const int ReplyPrimingTokens = 3;

    private static readonly string[] SamplingParameters = ["temperature", "top_p", "presence_penalty", "frequency_penalty", "logprobs"];
    private static readonly ConcurrentDictionary<string, Tokenizer?> Tokenizers = new(StringComparer.OrdinalIgnoreCase);

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<FakeFault> _script = new();
    private readonly ConcurrentQueue<FakeChatRequest> _received = new();
    private int _requests;
    private int _inFlight;
    private int _maxInFlight;
    private long _promptTokens;
    private long _completionTokens;
    private long _reasoningTokens;

    private FakeOpenAiServer(WebApplication app, FakeDialect dialect)
    {
        _app = app;
        Dialect = dialect;
        if (dialect == FakeDialect.Azure)
        {
            app.MapPost("/openai/v1/chat/completions", context => HandleAsync(context, deployment: null));
            app.MapPost("/openai/deployments/{deployment}/chat/completions", context => HandleAsync(context, (string)context.Request.RouteValues["deployment"]!));
        }
        else
        {
            app.MapPost("/v1/chat/completions", context => HandleAsync(context, deployment: null));
        }
    }

    public static Task<FakeOpenAiServer> StartAsync(CancellationToken cancellationToken = default) => StartAsync(FakeDialect.OpenAi, cancellationToken);

    public static async Task<FakeOpenAiServer> StartAsync(FakeDialect dialect, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = new FakeOpenAiServer(builder.Build(), dialect);
        await server._app.StartAsync(cancellationToken);
        server.Origin = server._app.Urls.First().TrimEnd('/');
        server.BaseUrl = new Uri(server.Origin + (dialect == FakeDialect.Azure ? "/openai/v1" : "/v1"));
        return server;
    }

    public FakeDialect Dialect { get; }

    // What to give the SDK as its endpoint: http://127.0.0.1:PORT/v1 (Azure: /openai/v1).
    public Uri BaseUrl { get; private set; } = null!;

    private string Origin { get; set; } = "";

    // An Azure deployment's URL as the Azure portal shows it (Azure dialect).
    public Uri DeploymentUrl(string deployment, string apiVersion = "2024-10-21") =>
        new($"{Origin}/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}");

    // Azure deployments' models by deployment name; a deployment not listed runs the model it is named after.
    public Dictionary<string, string> Deployments { get; } = new(StringComparer.Ordinal);

    // Added to every request before it is answered, as a real model's generation time.
    public TimeSpan Latency { get; set; }

    // When set, any other key gets 401.
    public string? RequiredApiKey { get; set; }

    // When set, any other model gets 404 model_not_found.
    public IReadOnlySet<string>? KnownModels { get; set; }

    // A server older than the feature (an old llama.cpp or vLLM build, a proxy): refuses json_schema for every model.
    public bool RefusesJsonSchema { get; set; }

    // Refuses tools, as Ollama does for a model without tool support.
    public bool RefusesTools { get; set; }

    // Refuses json_object, as servers with only text completions do.
    public bool RefusesJsonObject { get; set; }

    // Picks the category for one conversation from the allowed ones (null when any is allowed). By default: the first
    // category whose name appears in the title or text, else Other, else the first category.
    public Func<FakeConversation, IReadOnlyList<string>?, string> ChooseCategory { get; set; } = ChooseByName;

    // Consulted for each request once the Enqueued faults run out; null answers properly.
    public Func<FakeChatRequest, FakeFault?>? FaultRule { get; set; }

    public int Requests => Volatile.Read(ref _requests);

    // Requests received and not answered yet (nor given up by their client).
    public int InFlight => Volatile.Read(ref _inFlight);
    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    // Input tokens of the requests answered (refused ones are not billed), counted as FakeChatRequest.PromptTokens.
    public long PromptTokens => Interlocked.Read(ref _promptTokens);

    // Output tokens of the answers, hidden reasoning included.
    public long CompletionTokens => Interlocked.Read(ref _completionTokens);
    public long ReasoningTokens => Interlocked.Read(ref _reasoningTokens);
    public IReadOnlyList<FakeChatRequest> ReceivedRequests => [.. _received];

    // The next requests get these faults, one each, in order.
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

    // Tokens of a text as the model's tokenizer counts them (o200k_base, cl100k_base by OpenAI's model names), or the
    // rule of thumb of four characters a token for any other model, whose server would use a tokenizer of its own.
    public static int CountTokens(string? model, string text)
    {
        var tokenizer = Tokenizers.GetOrAdd(model ?? "", name =>
        {
            try
            {
                return TiktokenTokenizer.CreateForModel(name);
            }
            catch (NotSupportedException)
            {
                return null;
            }
        });
        return tokenizer?.CountTokens(text) ?? (text.Length + 3) / 4;
    }

    private async Task HandleAsync(HttpContext context, string? deployment)
    {
        var number = Interlocked.Increment(ref _requests);
        var inFlight = Interlocked.Increment(ref _inFlight);
        for (var max = MaxInFlight; inFlight > max; max = MaxInFlight)
        {
            Interlocked.CompareExchange(ref _maxInFlight, inFlight, max);
        }
        try
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
            var request = Parse(number, body.RootElement, context, deployment);
            _received.Enqueue(request);
            var fault = _script.TryDequeue(out var scripted) ? scripted : FaultRule?.Invoke(request);

            if (Latency > TimeSpan.Zero) await Task.Delay(Latency, context.RequestAborted);
            if (Dialect == FakeDialect.Azure && request.ApiKey is null)
            {
                await ErrorAsync(context, 401, "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.", null, null, "401");
                return;
            }
            if (deployment is not null && string.IsNullOrEmpty(context.Request.Query["api-version"]))
            {
                await ErrorAsync(context, 404, "Resource not found", null, null, "404");
                return;
            }
            if (RequiredApiKey is not null && request.ApiKey != RequiredApiKey) fault = new FakeFault.Unauthorized();
            else if (KnownModels is not null && !KnownModels.Contains(request.Model ?? "")) fault = new FakeFault.ModelNotFound();
            else if (Refusal(request, body.RootElement, context) is { } refusal)
            {
                await ErrorAsync(context, 400, refusal.Message, refusal.Type, refusal.Param, refusal.Code);
                return;
            }

            await RespondAsync(context, request, body.RootElement, fault);
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

    private sealed record Refused(string Message, string? Type, string? Param, string? Code);

    // What the real endpoint refuses for this model, with its error body: OpenAI's and Azure's by model family,
    // a local server's by what it was built without.
    private Refused? Refusal(FakeChatRequest request, JsonElement body, HttpContext context)
    {
        bool Has(string name) => body.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null;
        const string invalid = "invalid_request_error";
        if (RefusesJsonSchema && request.Mode == ResponseMode.JsonSchema)
            return new("response_format type json_schema is not supported by this server", invalid, null, null);
        if (RefusesTools && request.Mode == ResponseMode.FunctionCall)
            return new($"registry.ollama.ai/library/{request.Model} does not support tools", "api_error", null, null);
        if (RefusesJsonObject && request.Mode == ResponseMode.JsonObject)
            return new("response_format type json_object is not supported by this server", invalid, null, null);
        if (Dialect == FakeDialect.Local) return null;

        var model = request.Model ?? "";
        var reasoning = IsReasoningModel(model);
        if (reasoning)
        {
            foreach (var parameter in SamplingParameters.Where(Has))
                return new($"Unsupported parameter: '{parameter}' is not supported with this model.", invalid, parameter, "unsupported_parameter");
            if (Has("max_tokens"))
                return new("Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", invalid, "max_tokens", "unsupported_parameter");
            if (request.Parameters.TryGetValue("reasoning_effort", out var effort))
            {
                if (model.StartsWith("o1-mini", StringComparison.Ordinal) || model.StartsWith("o1-preview", StringComparison.Ordinal))
                    return new("Unsupported parameter: 'reasoning_effort' is not supported with this model.", invalid, "reasoning_effort", "unsupported_parameter");
                if (effort == "minimal" && !model.StartsWith("gpt-5", StringComparison.Ordinal))
                    return new("Unsupported value: 'reasoning_effort' does not support 'minimal' with this model. Supported values are: 'low', 'medium', and 'high'.", invalid, "reasoning_effort", "unsupported_value");
            }
        }
        else if (Has("reasoning_effort"))
        {
            return new("Unsupported parameter: 'reasoning_effort' is not supported with this model.", invalid, "reasoning_effort", "unsupported_parameter");
        }

        if (request.Mode == ResponseMode.JsonSchema && LacksStructuredOutputs(model))
            return new("Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model. Learn more about supported models at the Structured Outputs guide: https://platform.openai.com/docs/guides/structured-outputs", invalid, "response_format", null);
        if (request.Mode == ResponseMode.JsonSchema && context.Request.Query["api-version"] is { Count: > 0 } version
            && string.CompareOrdinal(version.ToString(), "2024-08-01") < 0)
            return new("response_format value as json_schema is enabled only for api versions 2024-08-01-preview and later", null, null, "BadRequest");
        if (request.Mode == ResponseMode.JsonObject && !MessagesSayJson(body))
            return new("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", invalid, "messages", null);
        return null;
    }

    // OpenAI's models without Structured Outputs: gpt-4, gpt-4-turbo, gpt-3.5-turbo (dated names and Azure's spelling included).
    private static bool LacksStructuredOutputs(string model) =>
        new[] { "gpt-4", "gpt-3.5-turbo", "gpt-35-turbo" }.Any(family => model == family || model.StartsWith(family + "-", StringComparison.Ordinal));

    private static bool IsReasoningModel(string model) =>
        (model.StartsWith("o1", StringComparison.Ordinal) || model.StartsWith("o3", StringComparison.Ordinal) || model.StartsWith("o4", StringComparison.Ordinal)
            || model.StartsWith("gpt-5", StringComparison.Ordinal))
        && !model.StartsWith("gpt-5-chat", StringComparison.Ordinal);

    private static bool MessagesSayJson(JsonElement body) =>
        body.TryGetProperty("messages", out var messages) && messages.EnumerateArray()
            .Any(m => ContentOf(m).Contains("json", StringComparison.OrdinalIgnoreCase));

    private async Task RespondAsync(HttpContext context, FakeChatRequest request, JsonElement body, FakeFault? fault)
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
                await ErrorAsync(context, 429, "Rate limit reached for requests.", "requests", null, "rate_limit_exceeded");
                return;
            case FakeFault.QuotaExhausted:
                await ErrorAsync(context, 429, "You exceeded your current quota, please check your plan and billing details.", "insufficient_quota", null, "insufficient_quota");
                return;
            case FakeFault.ServerError error:
                await ErrorAsync(context, error.Status, "The server had an error while processing your request.", "server_error", null, null);
                return;
            case FakeFault.DropConnection:
                context.Abort();
                return;
            case FakeFault.Unauthorized:
                await ErrorAsync(context, 401, $"Incorrect API key provided: {request.ApiKey}.", "invalid_request_error", null, "invalid_api_key");
                return;
            case FakeFault.Forbidden:
                await ErrorAsync(context, 403, "You are not allowed to sample from this model.", "invalid_request_error", null, null);
                return;
            case FakeFault.ModelNotFound:
                await ErrorAsync(context, 404, $"The model `{request.Model}` does not exist or you do not have access to it.", "invalid_request_error", null, "model_not_found");
                return;
            case FakeFault.BadRequest bad:
                await ErrorAsync(context, 400, bad.Message, "invalid_request_error", null, null);
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
        var json = new JsonObject { ["results"] = new JsonArray([.. results]) }.ToJsonString();
        if (fault is FakeFault.MalformedJson) json = json[..(json.Length / 2)];

        // Reasoning models think before they answer, billed as output and counted against the limit.
        var reasoning = IsReasoningModel(request.Model ?? "") && Dialect != FakeDialect.Local
            ? ReasoningSpend(request.Parameters.GetValueOrDefault("reasoning_effort"), request.Conversations.Count)
            : 0;
        var limit = request.Parameters.TryGetValue("max_completion_tokens", out var max) || request.Parameters.TryGetValue("max_tokens", out max)
            ? int.Parse(max, CultureInfo.InvariantCulture)
            : int.MaxValue;
        var finish = "stop";
        if (fault is FakeFault.CutOff || reasoning + CountTokens(request.Model, json) > limit)
        {
            json = reasoning >= limit ? "" : json[..(json.Length / 2)];
            finish = "length";
        }
        string? finishReason = fault is FakeFault.OddFinishReason odd ? odd.Reason : finish;

        var message = new JsonObject { ["role"] = "assistant" };
        string answered;
        if (request.Mode == ResponseMode.FunctionCall)
        {
            answered = json;
            message["content"] = null;
            message["tool_calls"] = new JsonArray(new JsonObject
            {
                ["id"] = $"call_fake_{request.Number}",
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = request.FunctionName, ["arguments"] = json },
            });
        }
        else
        {
            answered = Dialect == FakeDialect.Local ? Sloppy(json, request.Number)
                : request.Mode == ResponseMode.PlainText ? $"```json\n{json}\n```"
                : json;
            message["content"] = answered;
            message["refusal"] = null;
        }
        if (Dialect == FakeDialect.Local) message["reasoning_content"] = "The person wants each conversation filed under one category.";

        var completionTokens = CountTokens(request.Model, answered) + reasoning;
        if (finish == "length") completionTokens = Math.Min(completionTokens, limit);
        Interlocked.Add(ref _promptTokens, request.PromptTokens);
        Interlocked.Add(ref _completionTokens, completionTokens);
        Interlocked.Add(ref _reasoningTokens, Math.Min(reasoning, completionTokens));

        var completion = new JsonObject
        {
            ["id"] = $"chatcmpl-fake-{request.Number}",
            ["object"] = "chat.completion",
            ["created"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            ["model"] = request.Model,
            ["choices"] = new JsonArray(new JsonObject
            {
                ["index"] = 0,
                ["message"] = message,
                ["logprobs"] = null,
                ["finish_reason"] = finishReason,
            }),
        };
        if (Dialect != FakeDialect.Local)
        {
            completion["usage"] = new JsonObject
            {
                ["prompt_tokens"] = request.PromptTokens,
                ["completion_tokens"] = completionTokens,
                ["total_tokens"] = request.PromptTokens + completionTokens,
                ["completion_tokens_details"] = new JsonObject { ["reasoning_tokens"] = Math.Min(reasoning, completionTokens) },
            };
        }
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(completion.ToJsonString(), context.RequestAborted);
    }

    // Effort sets how long a reasoning model thinks; OpenAI's default is medium.
    private static int ReasoningSpend(string? effort, int conversations) => effort switch
    {
        "minimal" => 16 + 2 * conversations,
        "low" => 128 + 12 * conversations,
        "high" => 2048 + 160 * conversations,
        _ => 512 + 48 * conversations,
    };

    // How local models wrap the JSON they were asked for, in turn: a fence, prose around it, a think block first.
    private static string Sloppy(string json, int number) => (number % 3) switch
    {
        0 => $"```json\n{json}\n```",
        1 => $"Sure! Here are the categories for each conversation:\n\n{json}\n\nLet me know if you need anything else.",
        _ => $"<think>\nThe person wants one category per key.\n</think>\n\n{json}",
    };

    private static async Task ErrorAsync(HttpContext context, int status, string message, string? type, string? param, string? code)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        var error = new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        };
        await context.Response.WriteAsync(error.ToJsonString(), context.RequestAborted);
    }

    // Reads what the categorizer sends: a system message, a user message of one {"key","title","text"} object per
    // line, and the schema wherever the mode puts it. Its tokens are counted as OpenAI's cookbook counts a chat: each
    // message's content and 3 tokens around it, 3 to prime the reply, and the schema where it is a parameter.
    private FakeChatRequest Parse(int number, JsonElement body, HttpContext context, string? deployment)
    {
        var model = deployment is null
            ? body.TryGetProperty("model", out var named) ? named.GetString() : null
            : Deployments.GetValueOrDefault(deployment, deployment);
        var messages = body.TryGetProperty("messages", out var list) ? list.EnumerateArray().ToList() : [];
        string Content(string role) => messages.Where(m => m.TryGetProperty("role", out var r) && r.GetString() == role).Select(ContentOf).FirstOrDefault() ?? "";

        var conversations = new List<FakeConversation>();
        foreach (var line in Content("user").Split('\n').Where(l => l.StartsWith('{')))
        {
            try
            {
                var parsed = JsonNode.Parse(line);
                conversations.Add(new FakeConversation(parsed?["key"]?.ToString() ?? "", parsed?["title"]?.ToString() ?? "", parsed?["text"]?.ToString() ?? ""));
            }
            catch (JsonException)
            {
                // Not the categorizer's format: answered with no conversation for it.
            }
        }

        var system = Content("system");
        var mode = ResponseMode.PlainText;
        var strict = false;
        JsonElement? schema = null;
        var formatTokens = 0;
        string? functionName = null;
        var format = body.TryGetProperty("response_format", out var f) && f.ValueKind == JsonValueKind.Object && f.TryGetProperty("type", out var t) ? t.GetString() : null;
        if (format == "json_schema" && f.TryGetProperty("json_schema", out var jsonSchema))
        {
            mode = ResponseMode.JsonSchema;
            strict = jsonSchema.TryGetProperty("strict", out var s) && s.ValueKind == JsonValueKind.True;
            if (jsonSchema.TryGetProperty("schema", out var found))
            {
                schema = found;
                formatTokens = CountTokens(model, found.GetRawText());
            }
        }
        else if (body.TryGetProperty("tools", out var tools) && tools.ValueKind == JsonValueKind.Array && tools.GetArrayLength() > 0
            && body.TryGetProperty("tool_choice", out var choice) && choice.ValueKind == JsonValueKind.Object)
        {
            mode = ResponseMode.FunctionCall;
            var function = tools[0].GetProperty("function");
            strict = function.TryGetProperty("strict", out var s) && s.ValueKind == JsonValueKind.True;
            functionName = function.GetProperty("name").GetString();
            formatTokens = CountTokens(model, functionName ?? "")
                + (function.TryGetProperty("description", out var d) ? CountTokens(model, d.GetString() ?? "") : 0);
            if (function.TryGetProperty("parameters", out var found))
            {
                schema = found;
                formatTokens += CountTokens(model, found.GetRawText());
            }
        }
        else
        {
            if (format == "json_object") mode = ResponseMode.JsonObject;
            var at = system.IndexOf(SchemaInPrompt, StringComparison.Ordinal);
            if (at >= 0)
            {
                try
                {
                    using var inPrompt = JsonDocument.Parse(system[(at + SchemaInPrompt.Length)..]);
                    schema = inPrompt.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // No readable schema: answered with no keys.
                }
            }
        }

        var item = schema is { } root && root.TryGetProperty("properties", out var properties) && properties.TryGetProperty("results", out var results)
            && results.TryGetProperty("items", out var items) && items.TryGetProperty("properties", out var entry)
            ? entry
            : (JsonElement?)null;
        var keys = item is { } e && e.TryGetProperty("key", out var key) && key.TryGetProperty("enum", out var keyEnum)
            ? keyEnum.EnumerateArray().Select(k => k.GetString()!).ToList()
            : [];
        List<string>? categories = item is { } c && c.TryGetProperty("category", out var category) && category.TryGetProperty("enum", out var categoryEnum)
            ? [.. categoryEnum.EnumerateArray().Select(k => k.GetString()!)]
            : null;

        var promptTokens = messages.Sum(m => CountTokens(model, ContentOf(m)) + TokensPerMessage) + ReplyPrimingTokens + formatTokens;
        var parameters = body.EnumerateObject()
            .Where(p => p.Name is not ("messages" or "model" or "tools" or "tool_choice" or "response_format") && p.Value.ValueKind != JsonValueKind.Null)
            .ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());

        var authorization = context.Request.Headers.Authorization.ToString();
        var apiKey = Dialect == FakeDialect.Azure
            ? NullIfEmpty(context.Request.Headers["api-key"].ToString())
            : authorization.StartsWith("Bearer ", StringComparison.Ordinal) ? authorization["Bearer ".Length..] : null;
        return new FakeChatRequest(number, model, apiKey, conversations, keys, categories, mode, strict, system,
            context.Request.Path + context.Request.QueryString, promptTokens, parameters, functionName);
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static string ContentOf(JsonElement message) =>
        !message.TryGetProperty("content", out var content) ? ""
        : content.ValueKind == JsonValueKind.String ? content.GetString() ?? ""
        : content.ValueKind == JsonValueKind.Array ? string.Concat(content.EnumerateArray().Select(p => p.TryGetProperty("text", out var text) ? text.GetString() : ""))
        : "";

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
