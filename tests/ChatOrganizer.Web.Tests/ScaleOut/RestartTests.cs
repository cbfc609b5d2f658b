using System.Globalization;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Tests.Jobs;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.ScaleOut;

// SQLite mode, one instance: kill -9 in the middle of a job, start again on the same data folder.
public sealed class RestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private ProcessHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ProcessHarness.StartAsync();

    [Fact]
    public async Task AJobKilledMidwayFinishesAfterARestartAskingAgainExactlyWhatWasInFlight()
    {
        const int conversations = 200;
        var settings = _harness.Settings("sk-test");

        string token, jobId;
        IReadOnlyList<Testing.FakeOpenAi.FakeChatRequest> inFlight;
        await using (var first = await AppProcess.StartAsync(settings))
        {
            token = await ProcessHarness.SessionTokenAsync(first);
            using var client = ProcessHarness.Client(first, token);
            var set = await client.CreateCategorySetAsync([.. ProcessHarness.Topics, "Other"]);
            // Midway: the first 8 requests (40 conversations) are answered, the rest held, so the job cannot be over
            // before the kill however fast it runs.
            _harness.Hold(afterRequests: 8);
            jobId = (await client.UploadAsync(ProcessHarness.Export(conversations), "topic", set)).Id;
            await client.WaitUntilAsync(jobId, p => p.Categorized >= 40, TimeSpan.FromSeconds(120));

            await _harness.WaitUntilOnlyHeldRequestsAreInFlightAsync(client, jobId, held => held.Count > 0);
            await first.KillAsync();
            inFlight = await _harness.HeldAfterTheKillAsync(first);
        }
        var askedBeforeTheKill = _harness.Fake.Requests;
        _harness.Release();

        await using var second = await AppProcess.StartAsync(settings);
        using var again = ProcessHarness.Client(second, token);
        var done = await again.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));
        var results = await again.ResultsAsync(jobId);

        var askedAgainIn = _harness.AssertSameAsAnUninterruptedRun(done, results, conversations, inFlight, askedBeforeTheKill);
        output.WriteLine(
            $"kill -9 with {inFlight.Count} requests ({ProcessHarness.TitlesIn(inFlight).Count} conversations) in flight after {askedBeforeTheKill} requests; " +
            $"the restarted instance sent {_harness.Fake.Requests - askedBeforeTheKill}, {askedAgainIn} of them asking again about those conversations.");
    }

    [Fact]
    public async Task AJobKilledAtSeveralPointsWhileAnswersFlowSendsAgainAtMostTheRequestsInFlightAtEachKill()
    {
        const int conversations = 200;
        var settings = _harness.Settings("sk-test");
        var limit = int.Parse(settings["Categorization__MaxConcurrency"], CultureInfo.InvariantCulture);
        var kills = new List<ProcessHarness.Kill>();

        var app = await AppProcess.StartAsync(settings);
        var token = await ProcessHarness.SessionTokenAsync(app);
        string jobId;
        using (var client = ProcessHarness.Client(app, token))
        {
            var set = await client.CreateCategorySetAsync([.. ProcessHarness.Topics, "Other"]);
            jobId = (await client.UploadAsync(ProcessHarness.Export(conversations), "topic", set)).Id;
        }
        // No answer is held: each kill lands wherever the requests and answers happen to be.
        app = await _harness.KillAndRestartAsync(app, settings, kills: 3, requestsPerLife: 8, _ => true, () => Task.FromResult(false), kills);
        await using var last = app;
        using var again = ProcessHarness.Client(last, token);
        var done = await again.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));

        ProcessHarness.AssertEveryConversationFiledUnderItsTopic(done, await again.ResultsAsync(jobId), conversations);
        var sentAgain = _harness.PromptsSentAgainAfterEachKill(kills, _ => true);
        Assert.Equal(3, kills.Count);
        Assert.All(sentAgain, n => Assert.InRange(n, 0, limit));
        output.WriteLine(string.Join("; ", kills.Select((k, i) =>
            $"kill {i + 1} after {k.RequestsSoFar} requests, {k.InFlightAtTheFake} in flight at the fake: {sentAgain[i]} sent again")) +
            $"; {_harness.Fake.Requests} requests in all for {conversations / 5} prompts (at most {limit} in flight at once)");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
