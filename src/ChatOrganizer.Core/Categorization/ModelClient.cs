using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;

namespace ChatOrganizer.Categorization;

// One chat-completions call through the official SDK, and what its failure means. No retries here: the SDK's
// are switched off and BatchCategorizer owns the only retry loop, so delays, Retry-After and
// telemetry live in one place.
internal sealed class ModelClient
{
    private readonly ChatClient _chat;
    private readonly string _apiKey;

    public ModelClient(string apiKey, string model, ModelEndpoint endpoint)
    {
        _apiKey = apiKey;
        Model = model;
        Family = ModelFamily.Of(model);
        Endpoint = endpoint;
        var options = new OpenAIClientOptions
        {
            Endpoint = endpoint.SdkEndpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The categorizer's own per-attempt timeout (RequestTimeout) decides; the SDK's must never fire first.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        if (endpoint.RequestPolicy(apiKey) is { } policy) options.AddPolicy(policy, PipelinePosition.BeforeTransport);
        options.AddPolicy(new KnownFinishReasons(), PipelinePosition.PerCall);
        _chat = new ChatClient(model, new ApiKeyCredential(apiKey), options);
    }

    public string Model { get; }
    public ModelFamily Family { get; }
    public ModelEndpoint Endpoint { get; }

    public string EndpointForPeople => Endpoint.ForPeople;

    // Reasoning models take no sampling parameters (none is sent to any model) and max_completion_tokens, which
    // MaxOutputTokenCount sends; those that accept an effort level get their lowest.
    public async Task<ModelReply> CompleteAsync(ModelRequest request, CancellationToken cancellationToken)
    {
        var schema = BinaryData.FromString(request.Schema);
        var options = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxOutputTokens };
        switch (request.Mode)
        {
            case ResponseMode.JsonSchema:
                options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("categorization", schema, jsonSchemaIsStrict: true);
                break;
            case ResponseMode.FunctionCall:
                var tool = ChatTool.CreateFunctionTool(CategorizationPrompt.FunctionName, CategorizationPrompt.FunctionDescription, schema, functionSchemaIsStrict: true);
                options = new ChatCompletionOptions
                {
                    MaxOutputTokenCount = request.MaxOutputTokens,
                    Tools = { tool },
                    ToolChoice = ChatToolChoice.CreateFunctionChoice(CategorizationPrompt.FunctionName),
                };
                break;
            case ResponseMode.JsonObject:
                options.ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat();
                break;
        }
#pragma warning disable OPENAI001 // reasoning_effort is marked experimental in the SDK; the API has it for o1, o3, o4-mini and gpt-5
        if (Family.ReasoningEffort is { } effort) options.ReasoningEffortLevel = new ChatReasoningEffortLevel(effort);
#pragma warning restore OPENAI001

        ChatCompletion completion = await _chat.CompleteChatAsync(
            [new SystemChatMessage(request.System), new UserChatMessage(request.User)], options, cancellationToken);
        var content = completion.ToolCalls.FirstOrDefault(c => c.FunctionName == CategorizationPrompt.FunctionName) is { } call
            ? call.FunctionArguments.ToString()
            : completion.Content.Count > 0 ? string.Concat(completion.Content.Select(p => p.Text)) : null;
        return new ModelReply(content, completion.Refusal, completion.Usage?.InputTokenCount, completion.Usage?.OutputTokenCount,
            completion.FinishReason == ChatFinishReason.Length);
    }

    // What a failed call means for the run (our own per-attempt timeout is told apart by the caller).
    public ModelFailure Classify(Exception exception, DateTimeOffset now, ResponseMode mode)
    {
        if (exception is ClientResultException { Status: 0 } transport)
        {
            return transport.InnerException is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError } unreachable
                ? ModelFailure.Unreachable($"could not connect: {Redact(unreachable.Message)}")
                : ModelFailure.Transient("connection dropped", null);
        }
        if (exception is not ClientResultException { } failed)
        {
            return exception is HttpRequestException or IOException
                ? ModelFailure.Transient("connection dropped", null)
                : ModelFailure.Transient($"unexpected {exception.GetType().Name}", null);
        }

        var response = failed.GetRawResponse();
        var (code, param, message) = ReadError(response);
        var status = failed.Status;
        if (status is 400 or 422 && RefusesMode(mode, param, message)) return ModelFailure.ModeRefused(status, message, NextModeKnownToWork(mode, param, message));
        return status switch
        {
            401 => ModelFailure.Fatal(CategorizationFailure.KeyRejected, status,
                $"The model endpoint at {EndpointForPeople} did not accept the API key (HTTP 401). Check OPENAI_API_KEY, or the key given for this job."),
            403 => ModelFailure.Fatal(CategorizationFailure.AccessDenied, status,
                $"The API key may not use the model '{Model}' at {EndpointForPeople} (HTTP 403). Check the key's project and permissions."),
            404 when code == "model_not_found" || message.Contains(Model, StringComparison.Ordinal) => ModelFailure.Fatal(
                CategorizationFailure.ModelNotFound, status,
                $"The model '{Model}' does not exist at {EndpointForPeople}, or this key has no access to it (HTTP 404). Check OPENAI_MODEL."),
            404 => ModelFailure.Fatal(CategorizationFailure.EndpointNotFound, status,
                $"{EndpointForPeople}/chat/completions was not found (HTTP 404). Check OPENAI_BASE_URL: " +
                (Endpoint.Kind == ModelEndpointKind.AzureDeployment ? "the deployment's name and its api-version." : "it should end in /v1.")),
            429 when code == "insufficient_quota" => ModelFailure.Fatal(CategorizationFailure.QuotaExhausted, status,
                "The account behind this API key has run out of quota (HTTP 429 insufficient_quota). Add credit or use another key."),
            408 or 409 or 429 or >= 500 => RetryAfter(response, now) is { } after
                ? ModelFailure.Transient($"HTTP {status}, Retry-After {Seconds(after)}", after)
                : ModelFailure.Transient($"HTTP {status}", null),
            _ => ModelFailure.Rejected(status, $"HTTP {status}{(message.Length > 0 ? ": " + message : "")}"),
        };
    }

    // OpenAI sends retry-after-ms as well as Retry-After; either may be absent. Retry-After is seconds or an HTTP date.
    private static TimeSpan? RetryAfter(PipelineResponse? response, DateTimeOffset now)
    {
        if (response is null) return null;
        if (response.Headers.TryGetValue("retry-after-ms", out var ms)
            && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            return TimeSpan.FromMilliseconds(milliseconds);
        if (!response.Headers.TryGetValue("Retry-After", out var value) || value is null) return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            return TimeSpan.FromSeconds(seconds);
        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date > now ? date - now : TimeSpan.Zero
            : null;
    }

    // A 400 that is about the way the answer was asked for, not about this request: OpenAI names the parameter
    // (response_format, tools); Ollama, vLLM, LM Studio and older Azure api-versions say it in the message.
    // Whether the refusal tells what the next mode down the chain will do. OpenAI refuses structured outputs only for
    // models that all take function calls (gpt-4, gpt-4-turbo, gpt-3.5-turbo), Azure only for api versions that do
    // too; and after JSON mode comes plain text, which nothing refuses. A server that was built without a feature
    // says nothing of the others.
    private static bool NextModeKnownToWork(ResponseMode refused, string? param, string message) => refused switch
    {
        ResponseMode.JsonSchema => (param == "response_format" && message.Contains("with this model", StringComparison.OrdinalIgnoreCase))
            || message.Contains("api versions", StringComparison.OrdinalIgnoreCase),
        ResponseMode.JsonObject => true,
        _ => false,
    };

    private static bool RefusesMode(ResponseMode mode, string? param, string message)
    {
        bool Says(params string[] words) => words.Any(w => message.Contains(w, StringComparison.OrdinalIgnoreCase));
        return mode switch
        {
            ResponseMode.JsonSchema => param == "response_format" || Says("json_schema", "response_format", "structured output"),
            ResponseMode.FunctionCall => param is "tools" or "tool_choice" || (param?.StartsWith("tools[", StringComparison.Ordinal) ?? false)
                || Says("tool", "function call"),
            ResponseMode.JsonObject => param == "response_format" || Says("json_object", "response_format")
                || (param == "messages" && Says("json")),
            _ => false,
        };
    }

    // The error body's code, param and message; the message redacted and shortened, since it ends up in failure reasons.
    private (string? Code, string? Param, string Message) ReadError(PipelineResponse? response)
    {
        try
        {
            if (response?.Content is null) return (null, null, "");
            using var body = JsonDocument.Parse(response.Content.ToMemory());
            if (!body.RootElement.TryGetProperty("error", out var error)) return (null, null, "");
            // Some servers (Ollama among them) send {"error": "message"}.
            if (error.ValueKind == JsonValueKind.String) return (null, null, Shorten(Redact(error.GetString() ?? "")));
            if (error.ValueKind != JsonValueKind.Object) return (null, null, "");
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var param = error.TryGetProperty("param", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
            return (code, param, Shorten(Redact(message)));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, null, "");
        }
    }

    private static string Shorten(string message) => TextCut.Fit(message, 203, "...");

    private string Redact(string text) =>
        _apiKey.Length == 0 ? text : text.Replace(_apiKey, "[api key]", StringComparison.Ordinal);

    internal static string Seconds(TimeSpan span) =>
        span.TotalSeconds >= 1
            ? $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s"
            : $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms";
}

internal sealed record ModelRequest(string System, string User, string Schema, ResponseMode Mode, int MaxOutputTokens);

// CutOff: The answer stopped at the token limit (finish_reason: length).
internal sealed record ModelReply(string? Content, string? Refusal, int? InputTokens, int? OutputTokens, bool CutOff);

// The SDK throws on a finish_reason it does not know, and compatible servers send others (Hugging Face's
// "eos_token", null from some proxies): those become "stop", and "max_tokens" becomes "length", before the SDK reads them.
internal sealed class KnownFinishReasons : PipelinePolicy
{
    private static readonly HashSet<string> Known = new(StringComparer.Ordinal) { "stop", "length", "tool_calls", "content_filter", "function_call" };

    public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        ProcessNext(message, pipeline, currentIndex);
        Normalize(message);
    }

    public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
    {
        await ProcessNextAsync(message, pipeline, currentIndex);
        Normalize(message);
    }

    private static void Normalize(PipelineMessage message)
    {
        if (message.Response is not { Status: 200 } response) return;
        JsonNode? body;
        try
        {
            body = JsonNode.Parse(response.Content.ToMemory().Span);
        }
        catch (JsonException)
        {
            return; // not JSON: the SDK reports it
        }
        if (body?["choices"] is not JsonArray choices) return;
        var changed = false;
        foreach (var choice in choices.OfType<JsonObject>())
        {
            var reason = choice["finish_reason"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (reason is not null && Known.Contains(reason)) continue;
            choice["finish_reason"] = reason == "max_tokens" ? "length" : "stop";
            changed = true;
        }
        if (changed) response.ContentStream = new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString()));
    }
}

internal enum ModelFailureKind
{
    // Worth sending again after a delay: 429, 5xx, timeouts, dropped connections.
    Transient,

    // Like transient, but if it lasts the endpoint is not there at all.
    Unreachable,

    // This request was refused (400 and the like); its conversations are asked again in smaller batches.
    Rejected,

    // No request of this run can succeed.
    Fatal,

    // The endpoint does not support the response mode the request asked for: another mode is tried at once (not an attempt).
    ModeRefused,
}

// NextModeKnown: For ModelFailureKind.ModeRefused: the refusal says the next mode works.
internal sealed record ModelFailure(
    ModelFailureKind Kind, string Reason, TimeSpan? RetryAfter, CategorizationFailure? Failure, int? Status, bool NextModeKnown = false)
{
    public static ModelFailure Transient(string reason, TimeSpan? retryAfter) => new(ModelFailureKind.Transient, reason, retryAfter, null, null);
    public static ModelFailure Unreachable(string reason) => new(ModelFailureKind.Unreachable, reason, null, null, null);
    public static ModelFailure Rejected(int status, string reason) => new(ModelFailureKind.Rejected, reason, null, null, status);
    public static ModelFailure ModeRefused(int status, string reason, bool nextModeKnown) =>
        new(ModelFailureKind.ModeRefused, reason, null, null, status, nextModeKnown);
    public static ModelFailure Fatal(CategorizationFailure failure, int status, string message) => new(ModelFailureKind.Fatal, message, null, failure, status);
}
