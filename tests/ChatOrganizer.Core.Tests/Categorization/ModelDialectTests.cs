using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.FakeOpenAi;
using static ChatOrganizer.Core.Tests.Categorization.CategorizerHarness;

namespace ChatOrganizer.Core.Tests.Categorization;

// A whole categorization through each model and endpoint a person is likely to point the app at, against the fake
// speaking that endpoint's dialect and refusing what that model refuses there.
public class ModelDialectTests
{
    private const int Conversations = 50; // batches of 20: 3 requests when nothing is refused

    [Fact]
    public async Task StructuredOutputsModelAnswersInStrictJsonSchemaWithNothingRefused()
    {
        await using var model = await StartAsync();

        var results = await model.CategorizeAsync(Digests(Conversations));

        AssertEachCategorizedOnce(results);
        Assert.Equal(3, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r => Assert.Equal((ResponseMode.JsonSchema, true), (r.Mode, r.StrictSchema)));
        var chosen = Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>());
        Assert.Equal("gpt-4o-mini answers with structured outputs (a strict JSON schema).", chosen.Sentence);
    }

    [Theory]
    [InlineData("gpt-4")]
    [InlineData("gpt-4-0613")]
    [InlineData("gpt-4-turbo")]
    [InlineData("gpt-3.5-turbo")]
    public async Task ModelWithoutStructuredOutputsAnswersThroughAFunctionCallAfterOneRefusedRequest(string name)
    {
        await using var model = await StartAsync(o => o.Model = name);

        var results = await model.CategorizeAsync(Digests(Conversations));

        AssertEachCategorizedOnce(results);
        var requests = model.Server.ReceivedRequests.OrderBy(r => r.Number).ToList();
        Assert.Equal(3 + 1, requests.Count);
        Assert.Equal(ResponseMode.JsonSchema, requests[0].Mode);
        Assert.All(requests.Skip(1), r =>
        {
            Assert.Equal((ResponseMode.FunctionCall, true, CategorizationPrompt.FunctionName), (r.Mode, r.StrictSchema, r.FunctionName));
            Assert.Equal(r.Conversations.Select(c => c.Key), r.SchemaKeys);
        });
        var chosen = Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>());
        Assert.Equal($"{name} does not support structured outputs here; answering through a function call.", chosen.Sentence);
        Assert.Empty(model.Events.OfType<CategorizationEvent.AnswerIncomplete>());
    }

    [Fact]
    public async Task TheModeFoundIsRememberedSoTheNextRunPaysNoRefusal()
    {
        await using var model = await StartAsync(o => o.Model = "gpt-4");
        await model.CategorizeAsync(Digests(Conversations));
        var first = model.Server.Requests;
        model.Events.Clear();

        var results = await model.CategorizeAsync(Digests(Conversations, first: 500));

        AssertEachCategorizedOnce(results);
        Assert.Equal(3, model.Server.Requests - first);
        Assert.All(model.Server.ReceivedRequests.Where(r => r.Number > first), r => Assert.Equal(ResponseMode.FunctionCall, r.Mode));
        Assert.Equal(new RememberedMode(ResponseMode.FunctionCall), await model.Modes.GetAsync(model.Server.BaseUrl.ToString().TrimEnd('/'), "gpt-4", CancellationToken.None));
        Assert.Equal("gpt-4 answers through a function call, as an earlier run found.",
            Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>()).Sentence);
    }

    [Fact]
    public async Task RunsAtTheSameTimeOnAnUndecidedEndpointPayOneRefusedRequestBetweenThem()
    {
        await using var model = await StartAsync(o => (o.Model, o.MaxConcurrency) = ("gpt-4", 4));
        model.Server.Latency = TimeSpan.FromMilliseconds(50);
        var categorizer = model.Categorizer();

        async Task<List<CategoryAssignment>> RunAsync(int first)
        {
            var results = new List<CategoryAssignment>();
            await foreach (var batch in categorizer.CategorizeAsync(Digests(Conversations, first), CategorySet.Default, model.Run()))
                results.AddRange(batch.Assignments);
            return results;
        }
        var runs = await Task.WhenAll(RunAsync(0), RunAsync(1000), RunAsync(2000));

        Assert.All(runs, AssertEachCategorizedOnce);
        Assert.Single(model.Server.ReceivedRequests, r => r.Mode == ResponseMode.JsonSchema);
        Assert.Equal(3 * 3 + 1, model.Server.Requests);
        Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>(), e => e.Discovered);
    }

    [Fact]
    public async Task AServerWithoutStructuredOutputsOrToolsCostsEachRunAtMostOneRefusalAndSettlesOnJsonMode()
    {
        // A local server built without them says nothing of what it does support: each run pays one refusal at most,
        // answers in plain text meanwhile, and leaves the next mode for the next run to try once.
        await using var model = await StartAsync(o => (o.Model, o.MaxConcurrency) = ("qwen2.5", 4), FakeDialect.Local);
        (model.Server.RefusesJsonSchema, model.Server.RefusesTools) = (true, true);
        var endpoint = model.Server.BaseUrl.ToString().TrimEnd('/');
        var sentences = new List<string>();
        var refusedPerRun = new List<int>();
        for (var run = 0; run < 4; run++)
        {
            var before = model.Server.ReceivedRequests.Count;
            model.Events.Clear();
            AssertEachCategorizedOnce(await model.CategorizeAsync(Digests(Conversations, first: run * 1000)));
            var requests = model.Server.ReceivedRequests.Skip(before).ToList();
            refusedPerRun.Add(requests.Count - 3);
            sentences.Add(Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>()).Sentence);
        }

        Assert.Equal([1, 1, 0, 0], refusedPerRun);
        Assert.Equal(
        [
            "qwen2.5 does not support structured outputs here; answering in plain text, with the schema in the prompt, for this run; the next run tries a function call once.",
            "qwen2.5 does not support structured outputs or function calls here; answering in plain text, with the schema in the prompt, for this run; the next run tries JSON mode once.",
            "qwen2.5 does not support structured outputs or function calls here; answering in JSON mode, with the schema in the prompt.",
            "qwen2.5 answers in JSON mode, with the schema in the prompt, as an earlier run found.",
        ], sentences);
        var answeredInJsonMode = model.Server.ReceivedRequests.Where(r => r.Mode == ResponseMode.JsonObject).ToList();
        Assert.Equal(6, answeredInJsonMode.Count);
        Assert.All(answeredInJsonMode, r => Assert.Contains("The JSON must match this JSON schema: {", r.SystemMessage, StringComparison.Ordinal));
        Assert.Equal(new RememberedMode(ResponseMode.JsonObject), await model.Modes.GetAsync(endpoint, "qwen2.5", CancellationToken.None));
    }

    [Fact]
    public async Task AServerWithoutAnyResponseFormatIsReadFromPlainTextAndEachRunPaysOneRefusalAtMost()
    {
        await using var model = await StartAsync(o => (o.Model, o.MaxConcurrency) = ("llama3.1", 4), FakeDialect.Local);
        (model.Server.RefusesJsonSchema, model.Server.RefusesTools, model.Server.RefusesJsonObject) = (true, true, true);
        var refusedPerRun = new List<int>();
        for (var run = 0; run < 4; run++)
        {
            var before = model.Server.ReceivedRequests.Count;
            model.Events.Clear();
            // Refusals of a mode do not count towards "rejected every request", which would stop the run.
            AssertEachCategorizedOnce(await model.CategorizeAsync(Digests(Conversations, first: run * 1000)));
            var requests = model.Server.ReceivedRequests.Skip(before).ToList();
            Assert.Equal(3, requests.Count(r => r.Mode == ResponseMode.PlainText));
            refusedPerRun.Add(requests.Count - 3);
            Assert.Contains("in plain text, with the schema in the prompt",
                Assert.Single(model.Events.OfType<CategorizationEvent.ResponseModeChosen>()).Sentence, StringComparison.Ordinal);
        }

        Assert.Equal([1, 1, 1, 0], refusedPerRun);
        Assert.Equal(new RememberedMode(ResponseMode.PlainText),
            await model.Modes.GetAsync(model.Server.BaseUrl.ToString().TrimEnd('/'), "llama3.1", CancellationToken.None));
    }

    [Theory]
    [InlineData("o4-mini", "low")]
    [InlineData("o3", "low")]
    [InlineData("o1", "low")]
    [InlineData("gpt-5", "minimal")]
    [InlineData("gpt-5-mini", "minimal")]
    [InlineData("gpt-5-nano", "minimal")]
    public async Task ReasoningModelGetsNoSamplingParametersItsLowestEffortAndRoomToThink(string name, string effort)
    {
        await using var model = await StartAsync(o => o.Model = name);
        var run = model.Run();

        var results = await model.CategorizeAsync(Digests(Conversations), run: run);

        AssertEachCategorizedOnce(results);
        Assert.Equal(3, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r =>
        {
            Assert.DoesNotContain("temperature", r.Parameters.Keys);
            Assert.DoesNotContain("max_tokens", r.Parameters.Keys);
            Assert.Equal(effort, r.Parameters["reasoning_effort"]);
            Assert.True(int.Parse(r.Parameters["max_completion_tokens"], System.Globalization.CultureInfo.InvariantCulture) > RequestCost.ReasoningAllowance);
        });
        Assert.True(model.Server.ReasoningTokens > 0);
        Assert.Equal(model.Server.CompletionTokens, run.Telemetry.Snapshot().OutputTokens);
    }

    [Fact]
    public async Task ChatModelIsSentNoReasoningEffort()
    {
        await using var model = await StartAsync(o => o.Model = "gpt-4.1-mini");

        AssertEachCategorizedOnce(await model.CategorizeAsync(Digests(5)));

        Assert.DoesNotContain("reasoning_effort", Assert.Single(model.Server.ReceivedRequests).Parameters.Keys);
    }

    [Fact]
    public async Task AzureV1EndpointGetsTheKeyInTheApiKeyHeader()
    {
        await using var model = await StartAsync(o => o.Model = "gpt-4o", FakeDialect.Azure);

        var results = await model.CategorizeAsync(Digests(Conversations));

        AssertEachCategorizedOnce(results);
        Assert.Equal(3, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r =>
        {
            Assert.Equal(ApiKey, r.ApiKey);
            Assert.Equal("/openai/v1/chat/completions", r.Path);
            Assert.Equal(ResponseMode.JsonSchema, r.Mode);
        });
    }

    [Fact]
    public async Task AzureDeploymentUrlFromThePortalIsCalledWithItsApiVersionAndItsModelsLimits()
    {
        await using var model = await StartAsync(dialect: FakeDialect.Azure);
        model.Server.Deployments["chat-prod"] = "gpt-4";
        model.Options.BaseUrl = model.Server.DeploymentUrl("chat-prod").ToString();
        model.Options.Model = "gpt-4";

        var results = await model.CategorizeAsync(Digests(Conversations));

        AssertEachCategorizedOnce(results);
        Assert.Equal(3 + 1, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r => Assert.Equal("/openai/deployments/chat-prod/chat/completions?api-version=2024-10-21", r.Path));
        Assert.All(model.Server.ReceivedRequests, r => Assert.Equal(ApiKey, r.ApiKey));
        Assert.Equal(3, model.Server.ReceivedRequests.Count(r => r.Mode == ResponseMode.FunctionCall));
    }

    [Fact]
    public async Task AzureDeploymentOnAnOlderApiVersionFallsBackFromJsonSchema()
    {
        await using var model = await StartAsync(dialect: FakeDialect.Azure);
        model.Options.BaseUrl = model.Server.DeploymentUrl("gpt-4o", apiVersion: "2024-06-01").ToString().Replace("/chat/completions", "", StringComparison.Ordinal);
        model.Options.Model = "gpt-4o";

        AssertEachCategorizedOnce(await model.CategorizeAsync(Digests(Conversations)));

        Assert.Equal(3 + 1, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r => Assert.EndsWith("?api-version=2024-06-01", r.Path, StringComparison.Ordinal));
    }

    [Fact]
    public async Task LocalServerNeedsNoKeyAndIsReadThroughFencesProseAndThinkBlocksWithTokensCountedLocally()
    {
        await using var model = await StartAsync(o => (o.ApiKey, o.Model, o.BatchSize) = (null, "llama3.1", 10), FakeDialect.Local);
        var run = model.Run();

        var results = await model.CategorizeAsync(Digests(Conversations), run: run);

        AssertEachCategorizedOnce(results);
        Assert.Equal(CategorizationEngine.Model, model.Categorizer().EngineFor());
        Assert.Equal(5, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests, r => Assert.Equal("no-key-needed", r.ApiKey));
        var usage = run.Telemetry.Snapshot();
        Assert.Equal((usage.InputTokens, "estimated"), (usage.UnreportedInputTokens, usage.TokenCounting));
        Assert.True(usage.InputTokens > 0);
        Assert.Equal("The endpoint reports no token usage for llama3.1; input tokens are estimated here instead.",
            Assert.Single(model.Events.OfType<CategorizationEvent.UsageNotReported>()).Sentence);
    }

    [Fact]
    public async Task OpenAiModelWithoutUsageIsCountedExactlyAsTheServerCountedIt()
    {
        // A proxy in front of OpenAI that drops usage: the local count with the model's tokenizer is the bill.
        await using var model = await StartAsync(o => o.Model = "gpt-4o-mini", FakeDialect.Local);
        var run = model.Run();

        AssertEachCategorizedOnce(await model.CategorizeAsync(Digests(Conversations), run: run));

        var usage = run.Telemetry.Snapshot();
        Assert.Equal("counted with o200k_base", usage.TokenCounting);
        Assert.Equal(model.Server.PromptTokens, usage.UnreportedInputTokens);
        Assert.Equal(usage.InputTokens, usage.UnreportedInputTokens);
    }

    [Theory]
    [InlineData("gpt-4o-mini")]
    [InlineData("gpt-4")]
    public async Task EstimateIsExactlyWhatTheServerCountsForOpenAiModels(string name)
    {
        await using var model = await StartAsync(o => o.Model = name);
        var digests = SampleDigests(name, Conversations);
        await model.RememberModeAsync(name == "gpt-4" ? ResponseMode.FunctionCall : ResponseMode.JsonSchema, name);

        var estimate = await model.Categorizer().EstimateAsync(digests, CategorySet.Default);
        await model.CategorizeAsync(digests);

        Assert.Equal(model.Server.Requests, estimate.Requests);
        Assert.Equal(model.Server.PromptTokens, estimate.InputTokens);
        Assert.Equal($"counted with {(name == "gpt-4" ? "cl100k_base" : "o200k_base")}", estimate.TokenCounting);
    }

    [Fact]
    public async Task Gpt4BatchesStayWithinItsSmallContextWindow()
    {
        await using var model = await StartAsync(o => o.Model = "gpt-4");
        var digests = SampleDigests("gpt-4", 40, words: 330, budget: 600);

        AssertEachCategorizedOnce(await model.CategorizeAsync(digests));

        Assert.All(model.Server.ReceivedRequests, r =>
            Assert.InRange(r.PromptTokens + int.Parse(r.Parameters["max_completion_tokens"], System.Globalization.CultureInfo.InvariantCulture), 0, 8_192));
        Assert.True(model.Server.ReceivedRequests.Max(r => r.Conversations.Count) < 20);
    }

    [Fact]
    public async Task Gpt4DigestsAreShortSoThatFullBatchesFitItsContextWindow()
    {
        await using var model = await StartAsync(o => o.Model = "gpt-4");
        var builder = DigestBuilder.For("gpt-4", model.Options);
        var conversations = Enumerable.Range(0, 40).Select(i => Testing.Conversations.ConversationBuilder.Create($"long-{i}")
            .Titled($"Question {i}").User(string.Join(' ', Enumerable.Repeat($"tell me about {Expected(i)} and more", 200))).Build());

        AssertEachCategorizedOnce(await model.CategorizeAsync(conversations.Select(builder.Build)));

        Assert.InRange(builder.TokenBudget, 250, CategorizationOptions.DefaultDigestTokenBudget - 1);
        Assert.Equal(CategorizationOptions.DefaultDigestTokenBudget, DigestBuilder.For("gpt-4o", model.Options).TokenBudget);
        Assert.Equal(2 + 1, model.Server.Requests);
        Assert.All(model.Server.ReceivedRequests.Where(r => r.Mode == ResponseMode.FunctionCall), r =>
            Assert.InRange(r.PromptTokens + int.Parse(r.Parameters["max_completion_tokens"], System.Globalization.CultureInfo.InvariantCulture), 0, 8_192));
    }

    [Fact]
    public async Task AnswerCutOffAtTheTokenLimitIsSplitAndAskedAgainWithoutCountingAgainstTheConversations()
    {
        await using var model = await StartAsync(o => (o.MaxAnswerAttempts, o.MaxConcurrency) = (1, 1));
        await model.RememberModeAsync(ResponseMode.JsonSchema);
        model.Server.Enqueue(new FakeFault.CutOff());

        var results = await model.CategorizeAsync(Digests(20));

        // MaxAnswerAttempts = 1 would fail every conversation of an answer that was merely wrong.
        AssertEachCategorizedOnce(results);
        Assert.Equal([20, 10, 10], model.Server.ReceivedRequests.OrderBy(r => r.Number).Select(r => r.Conversations.Count));
    }

    [Theory]
    [InlineData("eos_token")]
    [InlineData(null)]
    public async Task AnswerWithAFinishReasonTheSdkDoesNotKnowIsStillRead(string? reason)
    {
        await using var model = await StartAsync();
        model.Server.Enqueue(new FakeFault.OddFinishReason(reason));

        var results = await model.CategorizeAsync(Digests(5));

        AssertEachCategorizedOnce(results);
        Assert.Equal(1, model.Server.Requests);
    }

    private static void AssertEachCategorizedOnce(List<CategoryAssignment> results)
    {
        Assert.Equal(results.Count, results.Select(r => r.ConversationId).Distinct().Count());
        Assert.True(results.Count is 5 or 20 or 40 or Conversations, $"{results.Count} results");
        Assert.All(results, r => Assert.Equal(CategorizationStatus.Categorized, r.Status));
        Assert.All(results, r => Assert.Equal(CategorizationEngine.Model, r.Engine));
    }

    // Digests as DigestBuilder makes them for the model, of mixed English, Chinese, Korean and Japanese text.
    private static List<ConversationDigest> SampleDigests(string model, int count, int words = 60, int budget = CategorizationOptions.DefaultDigestTokenBudget)
    {
        var builder = new DigestBuilder(budget, TokenCounter.For(model));
        string[] phrases = ["how do I cook rice?", "旅行の計画を手伝って", "주식 투자에 대해 알려줘", "写一个Python函数", "\"quoted\" text, with punctuation!"];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            var text = string.Join(' ', Enumerable.Range(0, words).Select(w => phrases[(i + w) % phrases.Length]));
            return builder.Build(Testing.Conversations.ConversationBuilder.Create($"conv-{i}").Titled($"Question {i}: {Expected(i)}")
                .User(text).Assistant("Sure, here is " + text).Build());
        })];
    }
}
