using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Text.Json;
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

    public ModelClient(string apiKey, string model, Uri? baseUrl)
    {
        _apiKey = apiKey;
        Model = model;
        Endpoint = baseUrl ?? new Uri("https://api.openai.com/v1");
        var options = new OpenAIClientOptions
        {
            Endpoint = Endpoint,
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            // The categorizer's own per-attempt timeout (RequestTimeout) decides; the SDK's must never fire first.
            NetworkTimeout = Timeout.InfiniteTimeSpan,
        };
        _chat = new ChatClient(model, new ApiKeyCredential(apiKey), options);
    }

    public string Model { get; }
    public Uri Endpoint { get; }

    // Scheme, host and path of the endpoint: never user info or query, which might hold a secret.
    public string EndpointForPeople => $"{Endpoint.Scheme}://{Endpoint.Authority}{Endpoint.AbsolutePath.TrimEnd('/')}";

    public async Task<ModelReply> CompleteAsync(string system, string user, string schema, int maxOutputTokens, CancellationToken cancellationToken)
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("categorization", BinaryData.FromString(schema), jsonSchemaIsStrict: true),
            MaxOutputTokenCount = maxOutputTokens,
        };
        ChatCompletion completion = await _chat.CompleteChatAsync(
            [new SystemChatMessage(system), new UserChatMessage(user)], options, cancellationToken);
        var content = completion.Content.Count > 0 ? string.Concat(completion.Content.Select(p => p.Text)) : null;
        return new ModelReply(content, completion.Refusal, completion.Usage?.InputTokenCount, completion.Usage?.OutputTokenCount);
    }

    // What a failed call means for the run (our own per-attempt timeout is told apart by the caller).
    public ModelFailure Classify(Exception exception, DateTimeOffset now)
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
        var (code, message) = ReadError(response);
        var status = failed.Status;
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
                $"{EndpointForPeople}/chat/completions was not found (HTTP 404). Check OPENAI_BASE_URL: it should end in /v1."),
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

    // The error body's code and message; the message redacted and shortened, since it ends up in failure reasons.
    private (string? Code, string Message) ReadError(PipelineResponse? response)
    {
        try
        {
            if (response?.Content is null) return (null, "");
            using var body = JsonDocument.Parse(response.Content.ToMemory());
            if (!body.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object) return (null, "");
            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() ?? "" : "";
            message = Redact(message);
            return (code, message.Length <= 200 ? message : message[..200] + "...");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return (null, "");
        }
    }

    private string Redact(string text) =>
        _apiKey.Length == 0 ? text : text.Replace(_apiKey, "[api key]", StringComparison.Ordinal);

    internal static string Seconds(TimeSpan span) =>
        span.TotalSeconds >= 1
            ? $"{span.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture)}s"
            : $"{span.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture)}ms";
}

internal sealed record ModelReply(string? Content, string? Refusal, int? InputTokens, int? OutputTokens);

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
}

internal sealed record ModelFailure(ModelFailureKind Kind, string Reason, TimeSpan? RetryAfter, CategorizationFailure? Failure, int? Status)
{
    public static ModelFailure Transient(string reason, TimeSpan? retryAfter) => new(ModelFailureKind.Transient, reason, retryAfter, null, null);
    public static ModelFailure Unreachable(string reason) => new(ModelFailureKind.Unreachable, reason, null, null, null);
    public static ModelFailure Rejected(int status, string reason) => new(ModelFailureKind.Rejected, reason, null, null, status);
    public static ModelFailure Fatal(CategorizationFailure failure, int status, string message) => new(ModelFailureKind.Fatal, message, null, failure, status);
}
