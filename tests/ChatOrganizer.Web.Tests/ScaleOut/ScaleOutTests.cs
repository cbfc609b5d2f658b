using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Storage;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.ScaleOut;

/// <summary>
/// PostgreSQL mode: two app processes on one database and one data folder form a Quartz cluster. One job's
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
            ["Jobs__ClusterCheckinInterval"] = "00:00:01",
            ["Jobs__ClusterCheckinMisfireThreshold"] = "00:00:02",
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
        var held = await _harness.WaitUntilOnlyHeldRequestsAreInFlightAsync(client, jobId, held => held.Any(r => r.ApiKey == KeyA));
        var inFlightOnA = held.Where(r => r.ApiKey == KeyA).ToList();
        await a.KillAsync();
        var askedBeforeTheKill = _harness.Fake.Requests;
        _harness.Release();

        using var survivor = ProcessHarness.Client(b, token);
        var done = await survivor.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));
        var results = await survivor.ResultsAsync(jobId);

        Assert.Equal((JobStatus.Done, conversations, 0), (done.Status, done.Categorized, done.Failed));
        var filed = results.Groups.SelectMany(g => g.Conversations).ToList();
        Assert.Equal(Enumerable.Range(0, conversations), filed.Select(c => c.Index).Order());
        Assert.All(filed, c => Assert.Equal((CategorizationStatus.Categorized, ProcessHarness.ExpectedCategory(c.Index)), (c.Status!.Value, c.Category)));

        var perConversation = _harness.RequestsPerConversation();
        var askedAgain = perConversation.Where(p => p.Value > 1).Select(p => p.Key).ToHashSet();
        Assert.Equal(conversations, perConversation.Count);
        Assert.All(perConversation.Values, n => Assert.InRange(n, 1, 2));
        Assert.Equal(ProcessHarness.TitlesIn(inFlightOnA).Order(), askedAgain.Order());
        Assert.All(_harness.Fake.ReceivedRequests.Skip(askedBeforeTheKill), r => Assert.Equal(KeyB, r.ApiKey));
        output.WriteLine(
            $"instance-a killed with {inFlightOnA.Count} requests ({ProcessHarness.TitlesIn(inFlightOnA).Count} conversations) in flight; " +
            $"instance-b finished, asking again about {askedAgain.Count} conversations; {_harness.Fake.Requests} requests in all.");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
