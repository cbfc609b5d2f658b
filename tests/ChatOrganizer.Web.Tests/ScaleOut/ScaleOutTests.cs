using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Storage;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.ScaleOut;

/// <summary>
/// PostgreSQL mode: two app processes on one database and one data folder share Hangfire's queue. One job's
/// work items spread over both; the one holding work is killed; the other takes its work over.
/// </summary>
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
        Dictionary<string, string> Settings(string key, string instance) => new(_harness.Settings(key))
        {
            ["DATABASE_URL"] = database,
            ["Jobs__InstanceId"] = instance,
            ["Jobs__TakeoverTimeout"] = "00:00:04",
        };

        await using var a = await AppProcess.StartAsync(Settings(KeyA, "instance-a"));
        await using var b = await AppProcess.StartAsync(Settings(KeyB, "instance-b"));
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

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
