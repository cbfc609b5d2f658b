using System.Diagnostics;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing;
using ChatOrganizer.Testing.FakeOpenAi;
using static ChatOrganizer.Core.Tests.Categorization.CategorizerHarness;

namespace ChatOrganizer.Core.Tests.Categorization;

public class BatchCategorizerTests
{
    [Fact]
    public async Task EveryConversationIsCategorizedOnceByTheModel()
    {
        await using var model = await StartAsync();

        var results = await model.CategorizeAsync(Digests(45));

        Assert.Equal(45, results.Count);
        Assert.Equal(45, results.Select(r => r.ConversationId).Distinct().Count());
        Assert.All(results, r =>
        {
            Assert.Equal(CategorizationStatus.Categorized, r.Status);
            Assert.Equal(Expected(int.Parse(r.ConversationId["conv-".Length..], System.Globalization.CultureInfo.InvariantCulture)), r.Category);
            Assert.Equal(CategorizationEngine.Model, r.Engine);
            Assert.Equal("gpt-4o-mini", r.Model);
        });
        Assert.Equal(3, model.Server.Requests);
    }

    [Fact]
    public async Task EachRequestAsksForAStrictSchemaOfItsOwnKeysAndTheSetsCategories()
    {
        await using var model = await StartAsync(o => o.BatchSize = 4);
        var set = new CategorySet("Mine", [new("Work", "Jobs and the office"), new("Home")]);

        await model.CategorizeAsync(Digests(6), set);

        var requests = model.Server.ReceivedRequests.OrderBy(r => r.Conversations.Count).ToList();
        Assert.Equal([2, 4], requests.Select(r => r.Conversations.Count));
        Assert.All(requests, r =>
        {
            Assert.True(r.StrictSchema);
            Assert.Equal(r.Conversations.Select(c => c.Key), r.SchemaKeys);
            Assert.Equal(["Work", "Home", "Other"], r.Categories);
            Assert.Contains("Work: Jobs and the office", r.SystemMessage, StringComparison.Ordinal);
            Assert.Equal(CategorizerHarness.ApiKey, r.ApiKey);
        });
        Assert.Equal(["c1", "c2", "c3", "c4"], requests[1].SchemaKeys);
    }

    [Fact]
    public async Task BatchesCloseBeforeTheRequestTokenCeiling()
    {
        var digests = Digests(10).Select(d => d with { Tokens = 300 }).ToList();
        var cost = new RequestCost(CategorySet.Default, ResponseMode.JsonSchema, TokenCounter.For("gpt-4o-mini"), ModelFamily.Of("gpt-4o-mini"), 1_000_000, 20);
        await using var model = await StartAsync(o =>
        {
            o.MaxRequestTokens = cost.Overhead(3) + 3 * 300;
            o.DigestTokenBudget = 300;
        });

        var results = await model.CategorizeAsync(digests);

        Assert.Equal(10, results.Count);
        Assert.Equal(4, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r => Assert.InRange(r.Conversations.Count, 1, 3));
    }

    [Fact]
    public async Task RequestsRunConcurrentlyUpToTheLimit()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 2;
            o.MaxConcurrency = 3;
        });
        model.Server.Latency = TimeSpan.FromMilliseconds(100);

        await model.CategorizeAsync(Digests(24));

        Assert.Equal(12, model.Server.Requests);
        Assert.Equal(3, model.Server.MaxInFlight);
    }

    [Fact]
    public async Task BatchesAreYieldedAsTheyFinishNotAtTheEnd()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 2;
            o.MaxConcurrency = 1;
        });
        model.Server.Latency = TimeSpan.FromMilliseconds(20);
        var requestsAtEachBatch = new List<int>();

        await foreach (var batch in model.Categorizer().CategorizeAsync(Digests(10), CategorySet.Default, model.Run()))
        {
            requestsAtEachBatch.Add(model.Server.Requests);
        }

        Assert.Equal(5, requestsAtEachBatch.Count);
        Assert.True(requestsAtEachBatch[0] < 5, $"first batch came after {requestsAtEachBatch[0]} requests");
    }

    [Fact]
    public async Task SecondRunOfTheSameConversationsSendsNothing()
    {
        await using var model = await StartAsync();
        var first = await model.CategorizeAsync(Digests(50));
        var requestsBefore = model.Server.Requests;
        var run = model.Run();

        var second = await model.CategorizeAsync(Digests(50), run: run);

        Assert.Equal(requestsBefore, model.Server.Requests);
        Assert.Equal(first.OrderBy(r => r.ConversationId), second.OrderBy(r => r.ConversationId));
        Assert.Equal(50, run.Telemetry.Snapshot().FromCache);
        Assert.Equal(0, run.Telemetry.Snapshot().Requests);
    }

    [Fact]
    public async Task OnlyNewOrChangedConversationsAreSentAgain()
    {
        await using var model = await StartAsync();
        await model.CategorizeAsync(Digests(30));
        var newer = Digests(32);
        newer[5] = newer[5] with { Hash = "changed" };

        await model.CategorizeAsync(newer);

        var last = model.Server.ReceivedRequests[^1];
        Assert.Equal(3, model.Server.Requests);
        Assert.Equal(["Question 5", "Question 30", "Question 31"], last.Conversations.Select(c => c.Title));
    }

    [Fact]
    public async Task AnswersStillInFlightWhenTheCallerStopsReadingAreCached()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 5;
            o.MaxConcurrency = 4;
        });
        model.Server.Latency = TimeSpan.FromMilliseconds(50);

        await foreach (var batch in model.Categorizer().CategorizeAsync(Digests(20), CategorySet.Default, model.Run()))
        {
            await Task.Delay(300); // the other three answers arrive meanwhile
            break;
        }

        Assert.Equal(4, model.Server.Requests);
        Assert.Equal(20, model.Cache.Count);
    }

    [Fact]
    public async Task EachAnswerIsCachedAsItArrivesWhileTheCallerIsStillStoringThePreviousBatch()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 5;
            o.MaxConcurrency = 4;
        });
        model.Server.Latency = TimeSpan.FromMilliseconds(50);
        var cachedWhileStoring = new List<int>();

        await foreach (var batch in model.Categorizer().CategorizeAsync(Digests(20), CategorySet.Default, model.Run()))
        {
            if (cachedWhileStoring.Count == 0)
            {
                // The caller takes its time with the first batch (a slow database write); the other three answers arrive meanwhile.
                await Eventually.TrueAsync(() => model.Cache.Count == 20, "every answer to be cached");
            }
            cachedWhileStoring.Add(model.Cache.Count);
        }

        Assert.Equal([20, 20, 20, 20], cachedWhileStoring);
        Assert.Equal(4, model.Server.Requests);
    }

    [Fact]
    public async Task RunsOfOneCategorizerShareItsLimitOnRequestsInFlight()
    {
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 2;
            o.MaxConcurrency = 3;
        });
        model.Server.Latency = TimeSpan.FromMilliseconds(100);
        var categorizer = model.Categorizer();

        // As a server categorizing three work items at once does.
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).Select(async n =>
        {
            var results = new List<CategoryAssignment>();
            await foreach (var batch in categorizer.CategorizeAsync(Digests(12, first: n * 12), CategorySet.Default, model.Run())) results.AddRange(batch.Assignments);
            return results;
        }));

        Assert.All(runs, results => Assert.Equal(12, results.Count(r => r.Status == CategorizationStatus.Categorized)));
        Assert.Equal(18, model.Server.Requests);
        Assert.Equal(3, model.Server.MaxInFlight);
    }

    [Fact]
    public async Task AnotherModelOrCategorySetIsNotAnsweredFromTheCache()
    {
        await using var model = await StartAsync();
        await model.CategorizeAsync(Digests(5));

        await model.CategorizeAsync(Digests(5), run: model.Run(model: "gpt-4.1-mini"));
        await model.CategorizeAsync(Digests(5), CategorySet.Default with { AllowNewCategories = true });

        Assert.Equal(3, model.Server.Requests);
    }

    [Fact]
    public async Task RunOverridesKeyModelAndBaseUrl()
    {
        await using var model = await StartAsync(o =>
        {
            o.ApiKey = "sk-server-key";
            o.BaseUrl = "http://127.0.0.1:1/v1";
        });
        model.Server.RequiredApiKey = "sk-person-key";

        var results = await model.CategorizeAsync(Digests(3),
            run: model.Run(apiKey: "sk-person-key", model: "gpt-4.1-mini", baseUrl: model.Server.BaseUrl.ToString()));

        Assert.All(results, r => Assert.Equal("gpt-4.1-mini", r.Model));
        Assert.Equal("gpt-4.1-mini", Assert.Single(model.Server.ReceivedRequests).Model);
    }

    [Fact]
    public async Task WithoutAKeyTheOfflineCategorizerDecides()
    {
        // Not a server on this machine (which needs no key): OpenAI's own.
        await using var model = await StartAsync(o => (o.ApiKey, o.BaseUrl) = (null, null));

        var results = await model.CategorizeAsync(Digests(25));

        Assert.Equal(CategorizationEngine.Offline, model.Categorizer().EngineFor());
        Assert.Equal(25, results.Count);
        Assert.All(results, r => Assert.Equal(CategorizationEngine.Offline, r.Engine));
        Assert.Equal(0, model.Server.Requests);
    }

    [Fact]
    public async Task OfflineRunIgnoresAConfiguredKey()
    {
        await using var model = await StartAsync();
        var run = model.Run(offline: true);

        var results = await model.CategorizeAsync(Digests(5), run: run);

        Assert.All(results, r => Assert.Equal(CategorizationEngine.Offline, r.Engine));
        Assert.Equal(0, model.Server.Requests);
        Assert.Equal(0m, run.Telemetry.Snapshot().CostUsd);
    }

    [Fact]
    public async Task UsageAddsUpTheTokensTheEndpointReported()
    {
        await using var model = await StartAsync();
        var run = model.Run();

        await model.CategorizeAsync(Digests(45), run: run);

        var usage = run.Telemetry.Snapshot();
        Assert.Equal(3, usage.Requests);
        Assert.Equal(model.Server.PromptTokens, usage.InputTokens);
        Assert.Equal(model.Server.CompletionTokens, usage.OutputTokens);
        Assert.Equal(45, usage.Categorized);
        Assert.Equal(model.Options.PriceOf("gpt-4o-mini")!.Cost(usage.InputTokens, usage.OutputTokens), usage.CostUsd);
        Assert.True(usage.CostUsd > 0);
    }

    [Fact]
    public async Task EstimateCountsTheRequestsARunSendsAndLeavesOutCachedConversations()
    {
        await using var model = await StartAsync();
        var categorizer = model.Categorizer();

        var before = await categorizer.EstimateAsync(Digests(45), CategorySet.Default);
        await model.CategorizeAsync(Digests(45));
        var after = await categorizer.EstimateAsync(Digests(50), CategorySet.Default);

        Assert.Equal(new CostEstimate(45, 0, 3, before.InputTokens, before.OutputTokens, "gpt-4o-mini", CategorizationEngine.Model, before.CostUsd,
            "counted with o200k_base", ExcludesReasoning: false), before);
        Assert.Equal(model.Server.Requests, before.Requests);
        Assert.InRange(before.OutputTokens, 45 * 10, 45 * 20);
        Assert.True(before.CostUsd > 0);
        Assert.Equal((50, 45, 1), (after.Conversations, after.Cached, after.Requests));
    }

    [Fact]
    public async Task EstimateWithoutAPriceForTheModelHasNoCost()
    {
        await using var model = await StartAsync();

        var estimate = await model.Categorizer().EstimateAsync(Digests(3), CategorySet.Default, model.Run(model: "llama3"));

        Assert.Null(estimate.CostUsd);
        Assert.Equal(1, estimate.Requests);
    }

    [Fact]
    public async Task ModelMayProposeANewCategoryWhenTheSetAllowsIt()
    {
        await using var model = await StartAsync();
        model.Server.ChooseCategory = (_, _) => "Gardening";

        var results = await model.CategorizeAsync(Digests(2), new CategorySet("Open", [new("Work")], AllowNewCategories: true));

        Assert.All(results, r => Assert.Equal("Gardening", r.Category));
        Assert.Null(Assert.Single(model.Server.ReceivedRequests).Categories);
    }

    [Fact]
    public async Task RunToStringNeverShowsTheKey()
    {
        await using var model = await StartAsync();

        Assert.DoesNotContain(CategorizerHarness.ApiKey, model.Run(apiKey: CategorizerHarness.ApiKey).ToString(), StringComparison.Ordinal);
    }
}
