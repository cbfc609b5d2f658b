using System.Globalization;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Storage;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.ScaleOut;

// PostgreSQL mode: two app processes on one database and one data folder share Hangfire's queue. One job's
// work items spread over both; the one holding work is killed; the other takes its work over.
[Collection(PostgresCollection.Name)]
public sealed class ScaleOutTests(PostgresFixture postgres, ITestOutputHelper output) : IAsyncLifetime
{
    // Each instance asks the model with its own key, so the fake can tell whose requests are whose.
    private const string KeyA = "sk-instance-a";
    private const string KeyB = "sk-instance-b";
    private ProcessHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ProcessHarness.StartAsync();

    [Fact]
    public async Task TwoInstancesShareAJobAndTheSurvivorFinishesAKilledOnesWorkWithEveryConversationCategorizedOnce()
    {
        const int conversations = 300;
        var database = await postgres.Server.CreateDatabaseAsync("cluster");

        await using var a = await AppProcess.StartAsync(Settings(KeyA, "instance-a", database));
        await using var b = await AppProcess.StartAsync(Settings(KeyB, "instance-b", database));
        var token = await ProcessHarness.SessionTokenAsync(a);
        using var client = ProcessHarness.Client(a, token);
        var set = await client.CreateCategorySetAsync([.. ProcessHarness.Topics, "Other"]);
        var jobId = (await client.UploadAsync(ProcessHarness.Export(conversations), "topic", set)).Id;

        await ProcessHarness.EventuallyAsync(
            () => Task.FromResult(_harness.Fake.ReceivedRequests.Select(r => r.ApiKey).Distinct().Count() == 2), "both instances to ask the model");
        _harness.Hold();
        await _harness.WaitUntilOnlyHeldRequestsAreInFlightAsync(client, jobId, held => held.Any(r => r.ApiKey == KeyA));
        await a.KillAsync();
        var inFlightOnA = (await _harness.HeldAfterTheKillAsync(a)).Where(r => r.ApiKey == KeyA).ToList();
        var askedBeforeTheKill = _harness.Fake.Requests;
        _harness.Release();

        using var survivor = ProcessHarness.Client(b, token);
        var done = await survivor.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));
        var results = await survivor.ResultsAsync(jobId);

        var askedAgainIn = _harness.AssertSameAsAnUninterruptedRun(done, results, conversations, inFlightOnA, askedBeforeTheKill);
        Assert.All(_harness.Fake.ReceivedRequests.Skip(askedBeforeTheKill), r => Assert.Equal(KeyB, r.ApiKey));
        output.WriteLine(
            $"instance-a killed with {inFlightOnA.Count} requests ({ProcessHarness.TitlesIn(inFlightOnA).Count} conversations) in flight after {askedBeforeTheKill} requests; " +
            $"instance-b sent {_harness.Fake.Requests - askedBeforeTheKill} more, {askedAgainIn} of them asking again about those conversations.");
    }

    [Fact]
    public async Task AnInstanceKilledAtSeveralPointsWhileAnswersFlowMakesTheModelAskedAgainOnlyWhatItHadInFlight()
    {
        const int conversations = 600;
        var database = await postgres.Server.CreateDatabaseAsync("kills");
        var settingsA = Settings(KeyA, "instance-a", database);
        var limit = int.Parse(settingsA["Categorization__MaxConcurrency"], CultureInfo.InvariantCulture);
        var kills = new List<ProcessHarness.Kill>();

        var a = await AppProcess.StartAsync(settingsA);
        await using var b = await AppProcess.StartAsync(Settings(KeyB, "instance-b", database));
        var token = await ProcessHarness.SessionTokenAsync(b);
        using var client = ProcessHarness.Client(b, token);
        var set = await client.CreateCategorySetAsync([.. ProcessHarness.Topics, "Other"]);
        var jobId = (await client.UploadAsync(ProcessHarness.Export(conversations), "topic", set)).Id;
        async Task<bool> Ended() => (await client.ProgressAsync(jobId)).Status is JobStatus.Done or JobStatus.Failed;

        // Instance a is killed each time it has sent a few more requests, and started again; b runs on throughout, its
        // answers held while a is down, so the job is still under way at each kill however fast b is.
        a = await _harness.KillAndRestartAsync(a, settingsA, kills: 3, requestsPerLife: 4, r => r.ApiKey == KeyA, Ended, kills);
        await using var restarted = a;
        var done = await client.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));

        ProcessHarness.AssertEveryConversationFiledUnderItsTopic(done, await client.ResultsAsync(jobId), conversations);
        var sentAgain = _harness.PromptsSentAgainAfterEachKill(kills, r => r.ApiKey == KeyA);
        Assert.Equal(3, kills.Count);
        Assert.All(sentAgain, n => Assert.InRange(n, 0, limit));
        output.WriteLine(string.Join("; ", kills.Select((k, i) =>
            $"instance-a killed after {k.RequestsSoFar} requests, {k.InFlightAtTheFake} in flight at the fake: {sentAgain[i]} of its prompts sent again")) +
            $"; {_harness.Fake.Requests} requests in all for {conversations / 5} prompts (at most {limit} in flight per instance)");
    }

    private Dictionary<string, string> Settings(string key, string instance, string database) => new(_harness.Settings(key))
    {
        ["DATABASE_URL"] = database,
        ["Jobs__InstanceId"] = instance,
        ["Jobs__TakeoverTimeout"] = "00:00:04",
    };

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
