namespace ChatOrganizer.Testing.FakeOpenAi;

// What the fake does to one request instead of answering it properly.
public abstract record FakeFault
{
    // 429; RetryAfter goes out as Retry-After seconds (rounded up), plus retry-after-ms
    // when it is not whole seconds; no header when null.
    public sealed record RateLimited(TimeSpan? RetryAfter = null) : FakeFault;

    // 429 with OpenAI's insufficient_quota code: waiting does not help.
    public sealed record QuotaExhausted : FakeFault;

    public sealed record ServerError(int Status = 500) : FakeFault;

    // Answers properly, but only after this long (past the client's timeout, usually).
    public sealed record Slow(TimeSpan Delay) : FakeFault;

    // Answers properly once Until completes: holds requests in flight for as long as a test needs.
    public sealed record Held(Task Until) : FakeFault;

    // Closes the connection without a response.
    public sealed record DropConnection : FakeFault;

    // 200 whose message content is cut-off JSON.
    public sealed record MalformedJson : FakeFault;

    // 200 whose answer leaves out the last Count keys.
    public sealed record MissingKeys(int Count = 1) : FakeFault;

    // 200 whose answer files the first key under Category, as a server ignoring the schema might.
    public sealed record WrongCategory(string Category = "Uncategorized") : FakeFault;

    // 401 whose message quotes the key it was given, as some proxies do.
    public sealed record Unauthorized : FakeFault;

    // 403, as for a key whose project may not use the model.
    public sealed record Forbidden : FakeFault;

    // 404 with OpenAI's model_not_found code.
    public sealed record ModelNotFound : FakeFault;

    // 200 with finish_reason: length and the answer cut in half, as when the token limit runs out.
    public sealed record CutOff : FakeFault;

    // 200 whose finish_reason is this (null, eos_token...), as some compatible servers send.
    public sealed record OddFinishReason(string? Reason) : FakeFault;

    // 400 with a message, as a server rejecting the request body does.
    public sealed record BadRequest(string Message = "Invalid request.") : FakeFault;
}
