using System.Diagnostics;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.FakeOpenAi;
using Microsoft.Extensions.Time.Testing;
using Moq;
using static ChatOrganizer.Core.Tests.Categorization.CategorizerHarness;

namespace ChatOrganizer.Core.Tests.Categorization;

public class BatchCategorizerFailureTests
{
    [Fact]
    public async Task RateLimitIsRetriedAfterTheServersRetryAfter()
    {
        await using var model = await StartAsync(o => o.RetryAfterCap = TimeSpan.FromSeconds(60));
        model.Server.Enqueue(new FakeFault.RateLimited(TimeSpan.FromSeconds(20)));
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();

        var results = await model.CategorizeOnClockAsync(time, Digests(3));

        var retry = Assert.IsType<CategorizationEvent.RetryScheduled>(Assert.Single(model.Events, e => e is CategorizationEvent.RetryScheduled));
        Assert.InRange(retry.Delay, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(22));
        Assert.StartsWith("HTTP 429, Retry-After", retry.Reason, StringComparison.Ordinal);
        Assert.True(time.GetUtcNow() - start >= retry.Delay, "the retry went out before its wait was over");
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
        Assert.Equal(2, model.Server.Requests);
    }

    [Fact]
    public async Task RetryAfterLongerThanTheCapWaitsOnlyTheCap()
    {
        await using var model = await StartAsync(o => o.RetryAfterCap = TimeSpan.FromSeconds(60));
        model.Server.Enqueue(new FakeFault.RateLimited(TimeSpan.FromHours(1)));
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();

        var results = await model.CategorizeOnClockAsync(time, Digests(3));

        var retry = Assert.IsType<CategorizationEvent.RetryScheduled>(Assert.Single(model.Events, e => e is CategorizationEvent.RetryScheduled));
        Assert.Equal("HTTP 429, Retry-After 3600s", retry.Reason);
        Assert.InRange(retry.Delay, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(66));
        Assert.InRange(time.GetUtcNow() - start, retry.Delay, TimeSpan.FromMinutes(30));
        Assert.Equal(3, results.Count(r => r.Status == CategorizationStatus.Categorized));
    }

    [Fact]
    public async Task RateLimitsAndServerErrorsAreRetriedWithBackoff()
    {
        await using var model = await StartAsync(o =>
        {
            o.MaxConcurrency = 1;
            o.BackoffBase = TimeSpan.FromSeconds(1);
            o.BackoffCap = TimeSpan.FromSeconds(30);
        });
        model.Server.Enqueue(new FakeFault.RateLimited(), new FakeFault.ServerError(500), new FakeFault.ServerError(503));
        var time = new FakeTimeProvider();
        var start = time.GetUtcNow();

        var results = await model.CategorizeOnClockAsync(time, Digests(3));

        var retries = model.Events.OfType<CategorizationEvent.RetryScheduled>().ToList();
        Assert.Equal(["HTTP 429", "HTTP 500", "HTTP 503"], retries.Select(r => r.Reason));
        Assert.Equal([1, 2, 3], retries.Select(r => r.Attempt));
        Assert.All(retries, r => Assert.InRange(r.Delay, TimeSpan.Zero, model.Options.BackoffCap));
        Assert.True(time.GetUtcNow() - start >= retries.Aggregate(TimeSpan.Zero, (sum, r) => sum + r.Delay), "a retry went out before its wait was over");
        Assert.Equal(4, model.Server.Requests);
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
    }

    [Fact]
    public async Task AnswerSlowerThanTheTimeoutIsAbandonedAndRetried()
    {
        await using var model = await StartAsync(o => o.RequestTimeout = TimeSpan.FromMilliseconds(300));
        model.Server.Enqueue(new FakeFault.Slow(TimeSpan.FromSeconds(30)));
        var clock = Stopwatch.StartNew();

        var results = await model.CategorizeAsync(Digests(3));

        // Well under the 30 s the server would take, with room for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal("timed out after 300ms", Assert.Single(model.Events.OfType<CategorizationEvent.RetryScheduled>()).Reason);
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
    }

    [Fact]
    public async Task DroppedConnectionIsRetried()
    {
        await using var model = await StartAsync();
        model.Server.Enqueue(new FakeFault.DropConnection());

        var results = await model.CategorizeAsync(Digests(3));

        Assert.Equal("connection dropped", Assert.Single(model.Events.OfType<CategorizationEvent.RetryScheduled>()).Reason);
        Assert.Equal(3, results.Count(r => r.Status == CategorizationStatus.Categorized));
        Assert.Equal(2, model.Server.Requests);
    }

    [Fact]
    public async Task MalformedAnswerIsAskedAgainInSmallerBatches()
    {
        await using var model = await StartAsync(o => o.MaxConcurrency = 1);
        model.Server.Enqueue(new FakeFault.MalformedJson());

        var results = await model.CategorizeAsync(Digests(20));

        Assert.Equal([20, 10, 10], model.Server.ReceivedRequests.Select(r => r.Conversations.Count));
        Assert.Equal(20, results.Select(r => r.ConversationId).Distinct().Count());
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
        var incomplete = Assert.Single(model.Events.OfType<CategorizationEvent.AnswerIncomplete>());
        Assert.Equal((20, 20, "The model's answer was not valid JSON."), (incomplete.Conversations, incomplete.AskingAgain, incomplete.Reason));
    }

    [Fact]
    public async Task OnlyTheConversationsAnAnswerLeftOutAreAskedAgain()
    {
        await using var model = await StartAsync(o => o.MaxConcurrency = 1);
        model.Server.Enqueue(new FakeFault.MissingKeys(3));

        var results = await model.CategorizeAsync(Digests(20));

        var retry = model.Server.ReceivedRequests[1];
        Assert.Equal(["Question 17", "Question 18", "Question 19"], retry.Conversations.Select(c => c.Title));
        Assert.Equal(["c1", "c2", "c3"], retry.SchemaKeys);
        Assert.Equal(20, results.Count);
        Assert.Equal(20, results.Select(r => r.ConversationId).Distinct().Count());
        Assert.All(results, r => Assert.Equal(Expected(int.Parse(r.ConversationId[5..], System.Globalization.CultureInfo.InvariantCulture)), r.Category));
    }

    [Fact]
    public async Task AnswerNamingACategoryOutsideTheSetIsNeverFiled()
    {
        await using var model = await StartAsync();
        model.Server.Enqueue(new FakeFault.WrongCategory("Uncategorized"));

        var results = await model.CategorizeAsync(Digests(5));

        Assert.DoesNotContain(results, r => r.Category == "Uncategorized");
        Assert.Equal(Expected(0), results.Single(r => r.ConversationId == "conv-0").Category);
        Assert.Single(model.Server.ReceivedRequests[1].Conversations);
    }

    [Fact]
    public async Task ConversationTheModelKeepsGettingWrongFailsWithItsReason()
    {
        await using var model = await StartAsync(o => o.MaxAnswerAttempts = 3);
        model.Server.FaultRule = _ => new FakeFault.WrongCategory("Uncategorized");

        var results = await model.CategorizeAsync(Digests(4));

        var failed = Assert.Single(results, r => r.Status == CategorizationStatus.Failed);
        Assert.Equal("conv-0", failed.ConversationId);
        Assert.Null(failed.Category);
        Assert.Equal("The model answered 'Uncategorized', which is not a category in the set. Asked 3 times.", failed.FailureReason);
        Assert.Equal(4, results.Select(r => r.ConversationId).Distinct().Count());
        Assert.Equal(3, model.Server.Requests);
        Assert.Contains(model.Events, e => e is CategorizationEvent.ConversationFailed { ConversationId: "conv-0" });
    }

    [Fact]
    public async Task EndpointThatKeepsFailingFailsTheBatchWithAReason()
    {
        await using var model = await StartAsync(o =>
        {
            o.MaxAttempts = 3;
            o.MaxConcurrency = 1;
        });
        model.Server.FaultRule = _ => new FakeFault.ServerError(503);
        var run = model.Run();

        var results = await model.CategorizeAsync(Digests(3), run: run);

        Assert.All(results, r =>
        {
            Assert.Equal(CategorizationStatus.Failed, r.Status);
            Assert.Equal("The model endpoint kept failing (HTTP 503) for 3 attempts.", r.FailureReason);
        });
        Assert.Equal(3, model.Server.Requests);
        Assert.Equal((3, 2, 3), (run.Telemetry.Requests, run.Telemetry.Retries, run.Telemetry.Failed));
    }

    [Fact]
    public async Task RejectedKeyFailsTheRunAtOnceWithoutShowingTheKey()
    {
        await using var model = await StartAsync(o => o.MaxConcurrency = 1);
        model.Server.RequiredApiKey = "sk-the-right-one";
        var results = new List<CategoryAssignment>();

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(async () =>
            results.AddRange(await model.CategorizeAsync(Digests(60))));

        Assert.Equal(CategorizationFailure.KeyRejected, failure.Failure);
        Assert.Equal(401, failure.HttpStatus);
        Assert.StartsWith($"The model endpoint at {model.Server.BaseUrl.ToString().TrimEnd('/')} did not accept the API key (HTTP 401).", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, model.Server.Requests);
        Assert.Empty(model.Events.OfType<CategorizationEvent.RetryScheduled>());
        Assert.Contains(model.Logger.Lines, l => l.Contains("did not accept the API key", StringComparison.Ordinal));
        Assert.All(model.EverythingSaid(results, failure), s => Assert.DoesNotContain(CategorizerHarness.ApiKey, s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RejectedKeyWithManyRequestsInFlightFailsTheRunWithTheSentenceNotTheServersMessage()
    {
        // Every request in flight is refused at about the same moment: the first ends the run, the others' refusals
        // arrive while it stops, and must not surface instead (the fake's 401 message quotes the key).
        await using var model = await StartAsync(o => (o.MaxConcurrency, o.BatchSize) = (8, 5));
        await model.RememberModeAsync(ResponseMode.JsonSchema);
        model.Server.RequiredApiKey = "sk-the-right-one";
        model.Server.Latency = TimeSpan.FromMilliseconds(100);
        var results = new List<CategoryAssignment>();

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(async () =>
            results.AddRange(await model.CategorizeAsync(Digests(80))));

        Assert.Equal(CategorizationFailure.KeyRejected, failure.Failure);
        Assert.InRange(model.Server.Requests, 2, 8);
        Assert.All(model.EverythingSaid(results, failure), s => Assert.DoesNotContain(CategorizerHarness.ApiKey, s, StringComparison.Ordinal));
    }

    [Fact]
    public async Task KeyNeverAppearsInResultsEventsOrLogsEvenWhenTheServerQuotesIt()
    {
        await using var model = await StartAsync(o => o.MaxConcurrency = 1);
        model.Server.Enqueue(
            new FakeFault.RateLimited(), new FakeFault.BadRequest($"Bad key {CategorizerHarness.ApiKey} in request"),
            new FakeFault.MalformedJson(), new FakeFault.DropConnection());

        var results = await model.CategorizeAsync(Digests(4));

        Assert.Contains(model.Events, e => e.ToString().Contains("[api key]", StringComparison.Ordinal));
        Assert.NotEmpty(model.Logger.Lines);
        Assert.All(model.EverythingSaid(results), s => Assert.DoesNotContain(CategorizerHarness.ApiKey, s, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
    }

    [Fact]
    public async Task UnknownModelFailsTheRunNamingTheModel()
    {
        await using var model = await StartAsync();
        model.Server.KnownModels = new HashSet<string> { "gpt-4o-mini" };

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(() =>
            model.CategorizeAsync(Digests(3), run: model.Run(model: "gpt-9-imaginary")));

        Assert.Equal(CategorizationFailure.ModelNotFound, failure.Failure);
        Assert.Contains("The model 'gpt-9-imaginary' does not exist", failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, model.Server.Requests);
    }

    public static TheoryData<FakeFault, CategorizationFailure, string> FaultsNoWaitingFixes => new()
    {
        { new FakeFault.Forbidden(), CategorizationFailure.AccessDenied, "may not use the model 'gpt-4o-mini'" },
        { new FakeFault.QuotaExhausted(), CategorizationFailure.QuotaExhausted, "has run out of quota" },
    };

    [Theory]
    [MemberData(nameof(FaultsNoWaitingFixes))]
    public async Task FaultThatNoWaitingFixesFailsTheRunAtOnce(FakeFault fault, CategorizationFailure expected, string message)
    {
        await using var model = await StartAsync();
        model.Server.Enqueue(fault);

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(() => model.CategorizeAsync(Digests(3)));

        Assert.Equal(expected, failure.Failure);
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
        Assert.Equal(1, model.Server.Requests);
    }

    [Fact]
    public async Task UnreachableEndpointFailsTheRunAfterItsAttempts()
    {
        await using var model = await StartAsync(o =>
        {
            o.BaseUrl = "http://127.0.0.1:1/v1";
            o.MaxAttempts = 2;
        });

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(() => model.CategorizeAsync(Digests(3)));

        Assert.Equal(CategorizationFailure.EndpointUnreachable, failure.Failure);
        Assert.StartsWith("Could not reach the model endpoint at http://127.0.0.1:1/v1 after 2 attempts", failure.Message, StringComparison.Ordinal);
        Assert.Single(model.Events.OfType<CategorizationEvent.RetryScheduled>());
    }

    [Fact]
    public async Task EndpointRejectingEveryRequestStopsTheRunWithItsMessage()
    {
        await using var model = await StartAsync(o => o.MaxConcurrency = 1);
        model.Server.FaultRule = _ => new FakeFault.BadRequest("Invalid 'messages[1].content': string too long.");

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(() => model.CategorizeAsync(Digests(100)));

        Assert.Equal(CategorizationFailure.RequestsRejected, failure.Failure);
        Assert.Contains("HTTP 400: Invalid 'messages[1].content': string too long.", failure.Message, StringComparison.Ordinal);
        Assert.Equal(3, model.Server.Requests);
    }

    [Fact]
    public async Task ACacheThatCannotStoreAnswersNeitherHidesTheRunsOwnErrorNorLosesTheAnswersThatArrived()
    {
        // Four requests at once; the second is refused (the key), the others answer at the same moment. Every cache
        // write throws: it must not replace the refusal as the run's error, nor cost the answers already received.
        await using var model = await StartAsync(o => (o.MaxConcurrency, o.BatchSize) = (4, 5));
        model.Server.Latency = TimeSpan.FromMilliseconds(100);
        model.Server.FaultRule = request => request.Number == 2 ? new FakeFault.Unauthorized() : null;
        var cache = new Mock<ICategorizationCache>();
        cache.Setup(c => c.GetManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<CategorizationCacheKey, string>());
        cache.Setup(c => c.PutManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheEntry>>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new IOException("No space left on device"));
        var categorizer = new BatchCategorizer(Microsoft.Extensions.Options.Options.Create(model.Options), cache.Object, TimeProvider.System, model.Logger);
        var yielded = new List<CategoryAssignment>();

        var failure = await Assert.ThrowsAsync<CategorizationRunFailedException>(async () =>
        {
            await foreach (var batch in categorizer.CategorizeAsync(Digests(40), CategorySet.Default, model.Run())) yielded.AddRange(batch.Assignments);
        });

        Assert.Equal(CategorizationFailure.KeyRejected, failure.Failure);
        cache.Verify(c => c.PutManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheEntry>>(), CancellationToken.None), Times.AtLeastOnce());
        Assert.Contains(model.Logger.Lines, l => l.Contains("Could not cache the answers", StringComparison.Ordinal));
        Assert.All(yielded, a => Assert.Equal(CategorizationStatus.Categorized, a.Status));
    }

    [Fact]
    public async Task ARunWhoseCacheCannotStoreAnythingStillCategorizesEveryConversation()
    {
        await using var model = await StartAsync(o => (o.MaxConcurrency, o.BatchSize) = (2, 5));
        var cache = new Mock<ICategorizationCache>();
        var offered = 0;
        cache.Setup(c => c.GetManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheKey>>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new Dictionary<CategorizationCacheKey, string>());
        cache.Setup(c => c.PutManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheEntry>>(), It.IsAny<CancellationToken>()))
            .Callback<IReadOnlyCollection<CategorizationCacheEntry>, CancellationToken>((entries, _) => Interlocked.Add(ref offered, entries.Count))
            .ThrowsAsync(new IOException("No space left on device"));
        var categorizer = new BatchCategorizer(Microsoft.Extensions.Options.Options.Create(model.Options), cache.Object, TimeProvider.System, model.Logger);
        var results = new List<CategoryAssignment>();

        await foreach (var batch in categorizer.CategorizeAsync(Digests(20), CategorySet.Default, model.Run())) results.AddRange(batch.Assignments);

        Assert.Equal(Enumerable.Range(0, 20).Select(Expected), results.OrderBy(r => int.Parse(r.ConversationId[5..], System.Globalization.CultureInfo.InvariantCulture)).Select(r => r.Category));
        Assert.Equal(20, offered); // every answer was offered to the cache once, alone or with others that arrived with it
    }

    [Fact]
    public async Task CancellationStopsPromptlyAndKeepsFinishedBatches()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 5;
            o.MaxConcurrency = 2;
        });
        using var cancel = new CancellationTokenSource();
        var kept = new List<CategoryAssignment>();
        var clock = new Stopwatch();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in model.Categorizer().CategorizeAsync(Digests(50), CategorySet.Default, model.Run(), cancel.Token))
            {
                kept.AddRange(batch.Assignments);
                model.Server.Latency = TimeSpan.FromSeconds(30);
                await cancel.CancelAsync();
                clock.Start();
            }
        });

        // Well under the 30 s the requests in flight would take, with room for a loaded machine.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"stopping took {clock.Elapsed}");
        Assert.InRange(kept.Count, 5, 10);
        Assert.InRange(model.Cache.Count, kept.Count, 10); // an answer landing as the run stops is cached, not yielded
        Assert.True(model.Server.Requests < 10);
    }
}
