namespace ChatOrganizer.Testing.FakeOpenAi;

/// <summary>What the fake does to one request instead of answering it properly.</summary>
public abstract record FakeFault
{
    /// <summary>
    /// 429; <paramref name="RetryAfter"/> goes out as <c>Retry-After</c> seconds (rounded up), plus <c>retry-after-ms</c>
    /// when it is not whole seconds; no header when null.
    /// </summary>
    public sealed record RateLimited(TimeSpan? RetryAfter = null) : FakeFault;

    /// <summary>429 with OpenAI's <c>insufficient_quota</c> code: waiting does not help.</summary>
    public sealed record QuotaExhausted : FakeFault;

    public sealed record ServerError(int Status = 500) : FakeFault;

    /// <summary>Answers properly, but only after this long (past the client's timeout, usually).</summary>
    public sealed record Slow(TimeSpan Delay) : FakeFault;

    /// <summary>Answers properly once <paramref name="Until"/> completes: holds requests in flight for as long as a test needs.</summary>
    public sealed record Held(Task Until) : FakeFault;

    /// <summary>Closes the connection without a response.</summary>
    public sealed record DropConnection : FakeFault;

    /// <summary>200 whose message content is cut-off JSON.</summary>
    public sealed record MalformedJson : FakeFault;

    /// <summary>200 whose answer leaves out the last <paramref name="Count"/> keys.</summary>
    public sealed record MissingKeys(int Count = 1) : FakeFault;

    /// <summary>200 whose answer files the first key under <paramref name="Category"/>, as a server ignoring the schema might.</summary>
    public sealed record WrongCategory(string Category = "Uncategorized") : FakeFault;

    /// <summary>401 whose message quotes the key it was given, as some proxies do.</summary>
    public sealed record Unauthorized : FakeFault;

    /// <summary>403, as for a key whose project may not use the model.</summary>
    public sealed record Forbidden : FakeFault;

    /// <summary>404 with OpenAI's <c>model_not_found</c> code.</summary>
    public sealed record ModelNotFound : FakeFault;

    /// <summary>200 with <c>finish_reason: length</c> and the answer cut in half, as when the token limit runs out.</summary>
    public sealed record CutOff : FakeFault;

    /// <summary>200 whose <c>finish_reason</c> is this (null, <c>eos_token</c>...), as some compatible servers send.</summary>
    public sealed record OddFinishReason(string? Reason) : FakeFault;

    /// <summary>400 with a message, as a server rejecting the request body does.</summary>
    public sealed record BadRequest(string Message = "Invalid request.") : FakeFault;
}
