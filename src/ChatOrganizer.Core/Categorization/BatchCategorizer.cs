using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ChatOrganizer.Categorization.Offline;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Categorization;

// Files every conversation under exactly one category of a set, or fails it with a reason. With a key, by a
// model: batches under a token ceiling, several requests in flight, retries with backoff, answers checked key by
// key, a cache so nothing is paid twice. Without one (or when a run says so), by the OfflineCategorizer.
public sealed class BatchCategorizer
{
    private readonly CategorizationOptions _options;
    private readonly ICategorizationCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<OfflineEngine> _offline;
    private readonly IResponseModeStore _responseModes;

    // MaxConcurrency is a limit of this instance, shared by all its runs: a server categorizing several work items at
    // once still has no more model requests in flight than that (and so no more to send again after a crash).
    private readonly SemaphoreSlim _requestSlots;

    // Answers waiting for the cache, and the one writer at a time that stores every answer waiting: answers that arrive
    // together go into one write, and the database sees one writer from here however many requests are in flight.
    private readonly ConcurrentQueue<(IReadOnlyList<CategorizationCacheEntry> Entries, TaskCompletionSource Stored)> _toCache = new();
    private readonly SemaphoreSlim _cacheWriter = new(1, 1);

    // One per endpoint and model, shared by all runs: concurrent work items wait for one answer instead of each
    // paying for the same refusals.
    private readonly ConcurrentDictionary<(string Endpoint, string Model), ResponseModeNegotiation> _negotiations = new();

    // offline: The process's offline engine; by default one whose token vectors are cached in the user's cache folder.
    // responseModes: Where the response mode found for each endpoint and model is remembered; by default, in memory.
    public BatchCategorizer(
        IOptions<CategorizationOptions> options,
        ICategorizationCache cache,
        TimeProvider? timeProvider = null,
        ILogger<BatchCategorizer>? logger = null,
        OfflineEngine? offline = null,
        IResponseModeStore? responseModes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cache);
        _options = options.Value;
        var problems = _options.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(options));
        _cache = cache;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<BatchCategorizer>.Instance;
        _requestSlots = new SemaphoreSlim(_options.MaxConcurrency, _options.MaxConcurrency);
        _offline = offline is null
            ? new Lazy<OfflineEngine>(() => OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory)))
            : new Lazy<OfflineEngine>(offline);
        _responseModes = responseModes ?? new InMemoryResponseModeStore();
    }

    // Offline when the run asks for it or no key is configured for it; else the model.
    public CategorizationEngine EngineFor(CategorizationRun? run = null) => Resolve(run).Engine;

    // The model a run would use, after its overrides.
    public string ModelFor(CategorizationRun? run = null) => Resolve(run).Model;

    // True when a run would call a server on this machine without any key (Ollama, vLLM, LM Studio).
    public bool UsesNoKey(CategorizationRun? run = null) => Resolve(run).ApiKey == ModelEndpoint.PlaceholderKey;

    // Digests for a run: measured with its model's tokenizer and within what its context window holds (see DigestBuilder.For).
    public DigestBuilder DigestBuilderFor(CategorizationRun? run = null) =>
        DigestBuilder.For(Resolve(run) is { Engine: CategorizationEngine.Model } access ? access.Model : null, _options);

    // What a run would send, before sending anything: conversations not already cached, requests, tokens and
    // price (null when the model has no price in CategorizationOptions.Prices). Retries are not included.
    public async Task<CostEstimate> EstimateAsync(
        IEnumerable<ConversationDigest> digests, CategorySet categories, CategorizationRun? run = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digests);
        ArgumentNullException.ThrowIfNull(categories);
        var access = Resolve(run);
        var all = digests.ToList();
        if (access.Engine == CategorizationEngine.Offline)
            return new CostEstimate(all.Count, 0, 0, 0, 0, null, CategorizationEngine.Offline, 0m, TokenCounter.Estimate.Description, false);

        var setHash = categories.ComputeHash();
        var misses = new List<ConversationDigest>();
        var cached = 0;
        foreach (var chunk in all.Chunk(ChunkSize))
        {
            var (hits, chunkMisses) = await LookUpAsync(chunk, setHash, access.Model, cancellationToken);
            cached += hits.Count;
            misses.AddRange(chunkMisses.Select(p => p.Digest));
        }
        // In the mode requests will use (remembered, or the first to try), with the tokens they will send.
        var mode = await NegotiationFor(access).ExpectedAsync(cancellationToken);
        var cost = Cost(categories, mode, access.Model, run?.Examples);
        var batches = Plan(misses.Select(d => new Pending(d)), cost);
        var input = batches.Sum(b => (long)cost.Overhead(b.Count) + b.Sum(p => RequestCost.Conversation(p.Digest)));
        var output = (long)cost.ExpectedOutputTokens(misses.Count);
        return new CostEstimate(all.Count, cached, batches.Count, input, output, access.Model, CategorizationEngine.Model,
            _options.PriceOf(access.Model)?.Cost(input, output), cost.Counter.Description, ModelFamily.Of(access.Model).Reasons);
    }

    private RequestCost Cost(CategorySet categories, ResponseMode mode, string model, IReadOnlyList<LabelledExample>? examples) =>
        new(categories, mode, TokenCounter.For(model), ModelFamily.Of(model), _options.MaxRequestTokens, _options.BatchSize,
            examples, RequestCost.DigestBudgetFor(model, _options));

    private ResponseModeNegotiation NegotiationFor(ModelAccess access) =>
        _negotiations.GetOrAdd((access.Endpoint.MemoryKey, access.Model), key => new ResponseModeNegotiation(_responseModes, key.Endpoint, key.Model));

    public IAsyncEnumerable<CategorizedBatch> CategorizeAsync(
        IEnumerable<ConversationDigest> digests, CategorySet categories, CategorizationRun? run = null, CancellationToken cancellationToken = default) =>
        CategorizeAsync(digests.ToAsyncEnumerable(), categories, run, cancellationToken);

    // Categorizes the digests, yielding each batch as it finishes (cache hits first) so a caller can store them as
    // they come. Every answer is cached as it arrives, before its request's place goes to the next one, so a restart
    // repeats only the requests in flight (at most CategorizationOptions.MaxConcurrency for all the runs
    // of this instance). Every digest comes back exactly once, categorized or failed with its reason.
    //
    // Throws CategorizationRunFailedException The key was refused, the model does not exist, the endpoint cannot be reached.
    // Throws OperationCanceledException Cancelled; batches already yielded stand, and finished ones are yielded first.
    public IAsyncEnumerable<CategorizedBatch> CategorizeAsync(
        IAsyncEnumerable<ConversationDigest> digests, CategorySet categories, CategorizationRun? run = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(digests);
        ArgumentNullException.ThrowIfNull(categories);
        var problems = categories.Validate();
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(categories));

        var access = Resolve(run);
        var telemetry = run?.Telemetry ?? new CategorizationTelemetry();
        telemetry.Begin(access.Engine, access.Engine == CategorizationEngine.Model ? access.Model : null, _options.PriceOf(access.Model));
        return access.Engine == CategorizationEngine.Offline
            ? CategorizeOfflineAsync(digests, categories, run?.Examples ?? [], telemetry, cancellationToken)
            : CategorizeWithModelAsync(digests, categories, run?.Examples ?? [], new ModelClient(access.ApiKey!, access.Model, access.Endpoint), telemetry, cancellationToken);
    }

    private int ChunkSize => _options.BatchSize * _options.MaxConcurrency * 2;

    private async IAsyncEnumerable<CategorizedBatch> CategorizeOfflineAsync(
        IAsyncEnumerable<ConversationDigest> digests, CategorySet categories, IReadOnlyList<LabelledExample> examples,
        CategorizationTelemetry telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var offline = new OfflineCategorizer(categories, _offline.Value, examples);
        // Conversations of one run refine one another (OfflineCategorizer), so they are read in large runs.
        await foreach (var chunk in digests.Chunk(OfflineCategorizer.RunSize).WithCancellation(cancellationToken))
        {
            var assignments = offline.Categorize(chunk, cancellationToken);
            Report(assignments, fromCache: false, telemetry);
            yield return new CategorizedBatch(assignments, FromCache: false);
        }
    }

    // Keeps up to MaxConcurrency requests going, reading digests a chunk at a time as the queue runs low; each waits for
    // one of the instance's request slots. Answers' leftovers go back to the front of the queue in smaller batches.
    // Yields from one place only: here.
    private async IAsyncEnumerable<CategorizedBatch> CategorizeWithModelAsync(
        IAsyncEnumerable<ConversationDigest> digests, CategorySet categories, IReadOnlyList<LabelledExample> examples, ModelClient client,
        CategorizationTelemetry telemetry, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var modes = _negotiations.GetOrAdd((client.Endpoint.MemoryKey, client.Model), key => new ResponseModeNegotiation(_responseModes, key.Endpoint, key.Model));
        var request = new RequestContext(client, categories, modes, Cost(categories, await modes.ExpectedAsync(cancellationToken), client.Model, examples), telemetry);
        var setHash = categories.ComputeHash();
        var queue = new LinkedList<IReadOnlyList<Pending>>();
        var inFlight = new List<Task<BatchOutcome>>();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var source = digests.Chunk(ChunkSize).GetAsyncEnumerator(cancellationToken);
        var sourceDone = false;
        try
        {
            while (true)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    foreach (var finished in inFlight.Where(t => t.IsCompletedSuccessfully).ToList())
                    {
                        inFlight.Remove(finished);
                        yield return Finish(finished.Result, telemetry);
                    }
                    cancellationToken.ThrowIfCancellationRequested();
                }

                while (!sourceDone && queue.Count < _options.MaxConcurrency * 2)
                {
                    if (!await source.MoveNextAsync())
                    {
                        sourceDone = true;
                        break;
                    }
                    var (hits, misses) = await LookUpAsync(source.Current, setHash, client.Model, cancellationToken);
                    foreach (var batch in Plan(misses, request.Cost)) queue.AddLast(batch);
                    if (hits.Count > 0)
                    {
                        Report(hits, fromCache: true, telemetry);
                        yield return new CategorizedBatch(hits, FromCache: true);
                    }
                }

                while (inFlight.Count < _options.MaxConcurrency && queue.First is { } next)
                {
                    queue.RemoveFirst();
                    inFlight.Add(SendAndCacheAsync(next.Value, request, setHash, stop.Token));
                }
                if (inFlight.Count == 0) break;

                var done = await Task.WhenAny(inFlight);
                if (done.IsCanceled && cancellationToken.IsCancellationRequested) continue;
                inFlight.Remove(done);
                var outcome = await done; // a CategorizationRunFailedException ends the run here

                // Leftovers are asked again in batches half the size of the one they came from.
                var size = Math.Max(1, outcome.Batch.Count / 2);
                foreach (var retry in outcome.AskAgain.Chunk(size).Reverse()) queue.AddFirst(retry);
                yield return Finish(outcome, telemetry);
            }
        }
        finally
        {
            await stop.CancelAsync();
            try
            {
                await Task.WhenAll(inFlight);
            }
            catch (Exception e) when (e is OperationCanceledException or CategorizationRunFailedException)
            {
                // Stopping: only the batches that did finish matter now, and their answers are cached already.
            }
            await source.DisposeAsync();
        }
    }

    private CategorizedBatch Finish(BatchOutcome outcome, CategorizationTelemetry telemetry)
    {
        Report(outcome.Assignments, fromCache: false, telemetry);
        return new CategorizedBatch(outcome.Assignments, FromCache: false);
    }

    // The request holds its slot until its answer is in the cache: whatever the caller does next (store the batch, or
    // die first), an answer that arrived is not paid for again.
    private async Task<BatchOutcome> SendAndCacheAsync(IReadOnlyList<Pending> batch, RequestContext request, string setHash, CancellationToken stop)
    {
        await _requestSlots.WaitAsync(stop);
        try
        {
            var outcome = await SendAsync(batch, request, stop);
            await CacheAsync(outcome, setHash, request.Client.Model);
            return outcome;
        }
        finally
        {
            _requestSlots.Release();
        }
    }

    // Stored even when the run is being cancelled (hence no token): it was paid for. A cache that fails loses nothing
    // but the shortcut: the answer goes on to the caller, and its real outcome (or the run's own error) is what surfaces.
    private async Task CacheAsync(BatchOutcome outcome, string setHash, string model)
    {
        var hashes = outcome.Batch.ToLookup(p => p.Digest.ConversationId, p => p.Digest.Hash, StringComparer.Ordinal);
        var entries = outcome.Assignments
            .Where(a => a.Status == CategorizationStatus.Categorized)
            .Select(a => new CategorizationCacheEntry(new CategorizationCacheKey(a.ConversationId, hashes[a.ConversationId].First(), setHash, model), a.Category!))
            .ToList();
        if (entries.Count == 0) return;
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _toCache.Enqueue((entries, stored));
        await _cacheWriter.WaitAsync(CancellationToken.None);
        try
        {
            // Unless the writer before this one took these answers along, this one writes them, with all that wait.
            if (stored.Task.IsCompleted) return;
            var group = new List<(IReadOnlyList<CategorizationCacheEntry> Entries, TaskCompletionSource Stored)>();
            while (_toCache.TryDequeue(out var waiting)) group.Add(waiting);
            try
            {
                await _cache.PutManyAsync([.. group.SelectMany(g => g.Entries)], CancellationToken.None);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not cache the answers for {Count} conversations; they are not kept for a later run.", group.Sum(g => g.Entries.Count));
            }
            foreach (var (_, done) in group) done.TrySetResult();
        }
        finally
        {
            _cacheWriter.Release();
        }
    }

    private void Report(IReadOnlyCollection<CategoryAssignment> assignments, bool fromCache, CategorizationTelemetry telemetry)
    {
        telemetry.Finished(assignments, fromCache);
        foreach (var failed in assignments.Where(a => a.Status == CategorizationStatus.Failed))
        {
            _logger.LogWarning("Conversation {ConversationId} failed: {Reason}", failed.ConversationId, failed.FailureReason);
            telemetry.Publish(new CategorizationEvent.ConversationFailed(failed.ConversationId, failed.FailureReason!));
        }
    }

    private async Task<(List<CategoryAssignment> Hits, List<Pending> Misses)> LookUpAsync(
        IReadOnlyList<ConversationDigest> digests, string setHash, string model, CancellationToken cancellationToken)
    {
        var keys = digests.Select(d => new CategorizationCacheKey(d.ConversationId, d.Hash, setHash, model)).ToList();
        var found = await _cache.GetManyAsync(keys, cancellationToken);
        var hits = new List<CategoryAssignment>();
        var misses = new List<Pending>();
        for (var i = 0; i < digests.Count; i++)
        {
            if (found.TryGetValue(keys[i], out var category))
                hits.Add(new CategoryAssignment(digests[i].ConversationId, CategorizationStatus.Categorized, category, CategorizationEngine.Model, model, null));
            else
                misses.Add(new Pending(digests[i]));
        }
        return (hits, misses);
    }

    // Greedy, in order: a batch closes at BatchSize conversations or before its input would pass the ceiling
    // (MaxRequestTokens, or less for a model with a small context window).
    private List<IReadOnlyList<Pending>> Plan(IEnumerable<Pending> pending, RequestCost cost)
    {
        var batches = new List<IReadOnlyList<Pending>>();
        var current = new List<Pending>();
        var digestTokens = 0;
        foreach (var item in pending)
        {
            var tokens = RequestCost.Conversation(item.Digest);
            if (current.Count > 0 && (current.Count == _options.BatchSize || cost.Overhead(current.Count + 1) + digestTokens + tokens > cost.Ceiling))
            {
                batches.Add(current);
                current = [];
                digestTokens = 0;
            }
            current.Add(item);
            digestTokens += tokens;
        }
        if (current.Count > 0) batches.Add(current);
        return batches;
    }

    // One batch: sends with retries, reads the answer by key. Throws only CategorizationRunFailedException or cancellation.
    private async Task<BatchOutcome> SendAsync(IReadOnlyList<Pending> batch, RequestContext request, CancellationToken stop)
    {
        await Task.Yield();
        var digests = batch.Select(p => p.Digest).ToList();
        var user = CategorizationPrompt.UserMessage(digests);
        var schema = CategorizationPrompt.Schema(batch.Count, request.Categories);
        var maxOutput = request.Cost.MaxOutputTokens(batch.Count);

        for (var attempt = 1; ; attempt++)
        {
            // Waits while another request finds out which mode this endpoint answers in; not part of the timeout.
            var lease = await request.Modes.AcquireAsync(request.Run, stop);
            var system = CategorizationPrompt.SystemMessage(request.Categories, lease.Mode, schema, request.Cost.Examples);
            using var timeout = new CancellationTokenSource(_options.RequestTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
            var started = _time.GetTimestamp();
            var settled = false;
            ModelFailure failure;
            try
            {
                request.Telemetry.RequestSent();
                var reply = await request.Client.CompleteAsync(new ModelRequest(system, user, schema, lease.Mode, maxOutput), linked.Token);
                settled = true;
                await request.Modes.AnsweredAsync(lease);
                if (request.FirstAnswer()) request.Telemetry.Publish(request.Modes.Describe(lease));

                // Without usage (some local servers) the request is counted here, as sent, with the model's tokenizer.
                var input = reply.InputTokens ?? CategorizationPrompt.RequestTokens(system, user, schema, lease.Mode, request.Cost.Counter);
                var output = reply.OutputTokens ?? request.Cost.Counter.Count(reply.Content ?? "");
                request.Telemetry.Tokens(input, output, reported: reply.InputTokens is not null);
                if (reply.InputTokens is null && request.FirstUnreportedUsage())
                    request.Telemetry.Publish(new CategorizationEvent.UsageNotReported(request.Client.Model, request.Cost.Counter.Description));
                request.Telemetry.Publish(new CategorizationEvent.RequestCompleted(batch.Count, attempt, input, output, _time.GetElapsedTime(started),
                    UsageReported: reply.InputTokens is not null));
                request.Succeeded();
                return Read(batch, reply, request);
            }
            catch (Exception e) when (e is not CategorizationRunFailedException)
            {
                // Stopping (cancelled, or another request failed the run): this request's own failure no longer
                // matters, and its raw exception must not surface instead (the SDK's messages can quote the key).
                failure = timeout.IsCancellationRequested
                    ? ModelFailure.Transient($"timed out after {ModelClient.Seconds(_options.RequestTimeout)}", null)
                    : request.Client.Classify(e, _time.GetUtcNow(), lease.Mode);
                if (!settled)
                {
                    settled = true;
                    if (failure.Kind == ModelFailureKind.ModeRefused && !stop.IsCancellationRequested) await request.Modes.RefusedAsync(lease, failure.NextModeKnown);
                    else request.Modes.Release(lease);
                }
                stop.ThrowIfCancellationRequested();
            }
            finally
            {
                if (!settled) request.Modes.Release(lease);
            }

            if (failure.Kind == ModelFailureKind.ModeRefused)
            {
                // Not this request's fault and not a rejection: the next mode is tried at once, and is not an attempt.
                _logger.LogInformation("{Model} at {Endpoint} refused {Mode} ({Reason}); {Next}",
                    request.Client.Model, request.Client.EndpointForPeople, lease.Mode, failure.Reason,
                    failure.NextModeKnown ? "trying the next mode" : "answering in plain text for this run");
                attempt--;
                continue;
            }

            switch (failure.Kind)
            {
                case ModelFailureKind.Fatal:
                    _logger.LogError("Categorization stopped: {Reason}", failure.Reason);
                    throw new CategorizationRunFailedException(failure.Reason, failure.Failure!.Value, failure.Status);
                case ModelFailureKind.Rejected:
                    // An endpoint that refuses every request (one that does not support structured outputs, say)
                    // should stop the run, not have each conversation asked three times.
                    if (request.RejectedBeforeAnySuccess() >= RejectionsBeforeStopping)
                    {
                        throw new CategorizationRunFailedException(
                            $"The model endpoint at {request.Client.EndpointForPeople} rejected every request ({failure.Reason}).",
                            CategorizationFailure.RequestsRejected, failure.Status);
                    }
                    return Unanswered(batch, $"The endpoint rejected the request ({failure.Reason}).", request);
            }

            if (attempt >= _options.MaxAttempts)
            {
                if (failure.Kind == ModelFailureKind.Unreachable)
                {
                    throw new CategorizationRunFailedException(
                        $"Could not reach the model endpoint at {request.Client.EndpointForPeople} after {attempt} attempts ({failure.Reason}). Check OPENAI_BASE_URL and the network.",
                        CategorizationFailure.EndpointUnreachable);
                }
                return Failed(batch, $"The model endpoint kept failing ({failure.Reason}) for {attempt} attempts.", request);
            }

            var delay = Backoff(attempt, failure.RetryAfter);
            _logger.LogWarning("Request for {Count} conversations failed ({Reason}); attempt {Attempt} in {Delay}",
                batch.Count, failure.Reason, attempt + 1, ModelClient.Seconds(delay));
            request.Telemetry.Publish(new CategorizationEvent.RetryScheduled(batch.Count, attempt, failure.Reason, delay));
            await Task.Delay(delay, _time, stop);
        }
    }

    private const int RejectionsBeforeStopping = 3;

    private BatchOutcome Read(IReadOnlyList<Pending> batch, ModelReply reply, RequestContext request)
    {
        if (reply.Refusal is { Length: > 0 }) return Unanswered(batch, "The model refused to answer.", request);
        var answer = CategorizationPrompt.Read(reply.Content, batch.Count, request.Categories);
        if (!reply.CutOff) return Settle(batch, answer.Categories, answer.Problems, request);

        // Cut off at the token limit: what did arrive whole stands; the rest is asked again in halves, which is no
        // fault of theirs (not counted against MaxAnswerAttempts) until a conversation is asked alone.
        var cut = answer.Problems.ToDictionary(p => p.Key, _ => "The answer was cut off at the token limit.");
        return Settle(batch, answer.Categories, cut, request, countAsAsked: batch.Count == 1);
    }

    private BatchOutcome Unanswered(IReadOnlyList<Pending> batch, string reason, RequestContext request) =>
        Settle(batch, new Dictionary<int, string>(), Enumerable.Range(0, batch.Count).ToDictionary(i => i, _ => reason), request);

    // Categories by batch index become assignments. A conversation with a problem is asked again, in a smaller
    // batch, unless it has been asked MaxAnswerAttempts times: then it fails with the last problem as its reason.
    private BatchOutcome Settle(
        IReadOnlyList<Pending> batch, IReadOnlyDictionary<int, string> categories, IReadOnlyDictionary<int, string> problems, RequestContext request,
        bool countAsAsked = true)
    {
        var assignments = categories
            .Select(pair => new CategoryAssignment(batch[pair.Key].Digest.ConversationId, CategorizationStatus.Categorized, pair.Value,
                CategorizationEngine.Model, request.Client.Model, null))
            .ToList();
        var again = new List<Pending>();
        foreach (var (index, problem) in problems.OrderBy(p => p.Key))
        {
            var item = batch[index];
            var asked = countAsAsked ? item.Asked + 1 : item.Asked;
            if (asked >= _options.MaxAnswerAttempts)
                assignments.Add(FailedAssignment(item, $"{problem} Asked {asked} times.", request));
            else
                again.Add(item with { Asked = asked });
        }
        if (problems.Count > 0)
        {
            request.Telemetry.Publish(new CategorizationEvent.AnswerIncomplete(
                batch.Count, again.Count, problems.OrderBy(p => p.Key).First().Value));
        }
        return new BatchOutcome(batch, assignments, again);
    }

    private static BatchOutcome Failed(IReadOnlyList<Pending> batch, string reason, RequestContext request) =>
        new(batch, [.. batch.Select(p => FailedAssignment(p, reason, request))], []);

    private static CategoryAssignment FailedAssignment(Pending item, string reason, RequestContext request) =>
        new(item.Digest.ConversationId, CategorizationStatus.Failed, null, CategorizationEngine.Model, request.Client.Model, reason);

    // Exponential with "equal jitter" (half fixed, half random) so requests that failed together do not retry together;
    // a server's Retry-After is honoured up to RetryAfterCap, plus up to a tenth for the same reason.
    private TimeSpan Backoff(int attempt, TimeSpan? retryAfter)
    {
        if (retryAfter is { } after)
        {
            var capped = after < _options.RetryAfterCap ? after : _options.RetryAfterCap;
            return capped + capped * (Random.Shared.NextDouble() / 10);
        }
        var exponential = _options.BackoffBase * Math.Pow(2, Math.Min(attempt - 1, 30));
        if (exponential > _options.BackoffCap) exponential = _options.BackoffCap;
        return exponential / 2 + exponential / 2 * Random.Shared.NextDouble();
    }

    private ModelAccess Resolve(CategorizationRun? run)
    {
        var model = NotBlank(run?.Model) ?? _options.Model;
        var url = NotBlank(run?.BaseUrl) ?? NotBlank(_options.BaseUrl);
        Uri? baseUrl = null;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out baseUrl) || baseUrl.Scheme is not ("http" or "https")))
            throw new ArgumentException("The base URL is not an absolute http or https URL.", nameof(run));
        var endpoint = ModelEndpoint.Parse(baseUrl);
        // No key means offline, except for a server on this machine (Ollama, vLLM, LM Studio), which needs none.
        var key = NotBlank(run?.ApiKey) ?? NotBlank(_options.ApiKey) ?? (endpoint.IsLoopback ? ModelEndpoint.PlaceholderKey : null);
        var engine = run?.Offline == true || key is null ? CategorizationEngine.Offline : CategorizationEngine.Model;
        return new ModelAccess(engine, key, model, endpoint);
    }

    private static string? NotBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record ModelAccess(CategorizationEngine Engine, string? ApiKey, string Model, ModelEndpoint Endpoint)
    {
        public override string ToString() => $"{Engine} {Model} {Endpoint.ForPeople}"; // never the key
    }

    // Asked: Answers so far that did not settle this conversation.
    private sealed record Pending(ConversationDigest Digest, int Asked = 0);

    private sealed record BatchOutcome(IReadOnlyList<Pending> Batch, IReadOnlyList<CategoryAssignment> Assignments, IReadOnlyList<Pending> AskAgain);

    private sealed class RequestContext(
        ModelClient client, CategorySet categories, ResponseModeNegotiation modes, RequestCost cost, CategorizationTelemetry telemetry)
    {
        private int _succeeded;
        private int _rejected;
        private int _answered;
        private int _unreported;

        public ModelClient Client { get; } = client;
        public CategorySet Categories { get; } = categories;
        public ResponseModeNegotiation Modes { get; } = modes;
        public RunModes Run { get; } = modes.BeginRun();
        public RequestCost Cost { get; } = cost;
        public CategorizationTelemetry Telemetry { get; } = telemetry;

        public void Succeeded() => Interlocked.Increment(ref _succeeded);

        // Once per run each: the log says which mode answers, and that usage is counted here.
        public bool FirstAnswer() => Interlocked.Exchange(ref _answered, 1) == 0;
        public bool FirstUnreportedUsage() => Interlocked.Exchange(ref _unreported, 1) == 0;

        public int RejectedBeforeAnySuccess()
        {
            var rejected = Interlocked.Increment(ref _rejected);
            return Volatile.Read(ref _succeeded) == 0 ? rejected : 0;
        }
    }
}

// Assignments: One per conversation of the batch: categorized, or failed with its reason.
// FromCache: Answered from the cache: nothing was sent for these.
public sealed record CategorizedBatch(IReadOnlyList<CategoryAssignment> Assignments, bool FromCache);

// Cached: Conversations the cache already answers; not sent, not counted in requests or tokens.
// CostUsd: Null when the model has no price in the options' table.
// TokenCounting: Where the token figures come from: "counted with o200k_base" (or cl100k_base), or "estimated".
// ExcludesReasoning: A reasoning model: its hidden reasoning, billed as output, is not in the estimate.
public sealed record CostEstimate(
    int Conversations,
    int Cached,
    int Requests,
    long InputTokens,
    long OutputTokens,
    string? Model,
    CategorizationEngine Engine,
    decimal? CostUsd,
    string TokenCounting,
    bool ExcludesReasoning);
