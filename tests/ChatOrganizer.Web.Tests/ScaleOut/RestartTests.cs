using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.ScaleOut;

/// <summary>SQLite mode, one instance: kill -9 in the middle of a job, start again on the same data folder.</summary>
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
            jobId = (await client.UploadAsync(ProcessHarness.Export(conversations), "topic", set)).Id;
            await client.WaitUntilAsync(jobId, p => p.Categorized >= 40, TimeSpan.FromSeconds(120));

            _harness.Hold();
            inFlight = await _harness.WaitUntilOnlyHeldRequestsAreInFlightAsync(client, jobId, held => held.Count > 0);
            await first.KillAsync();
        }
        var askedBeforeTheKill = _harness.Fake.Requests;
        _harness.Release();

        await using var second = await AppProcess.StartAsync(settings);
        using var again = ProcessHarness.Client(second, token);
        var done = await again.WaitUntilEndedAsync(jobId, TimeSpan.FromSeconds(180));
        var results = await again.ResultsAsync(jobId);

        Assert.Equal((JobStatus.Done, conversations, 0), (done.Status, done.Categorized, done.Failed));
        var filed = results.Groups.SelectMany(g => g.Conversations).ToList();
        Assert.Equal(Enumerable.Range(0, conversations), filed.Select(c => c.Index).Order());
        Assert.All(filed, c => Assert.Equal((CategorizationStatus.Categorized, ProcessHarness.ExpectedCategory(c.Index)), (c.Status!.Value, c.Category)));

        var perConversation = _harness.RequestsPerConversation();
        var askedAgain = perConversation.Where(p => p.Value > 1).Select(p => p.Key).ToHashSet();
        Assert.Equal(conversations, perConversation.Count);
        Assert.All(perConversation.Values, n => Assert.InRange(n, 1, 2));
        Assert.Equal(ProcessHarness.TitlesIn(inFlight).Order(), askedAgain.Order());
        output.WriteLine(
            $"kill -9 with {inFlight.Count} requests ({ProcessHarness.TitlesIn(inFlight).Count} conversations) in flight after {askedBeforeTheKill} requests; " +
            $"the restarted instance sent {_harness.Fake.Requests - askedBeforeTheKill} requests and asked again about {askedAgain.Count} conversations, " +
            $"in {_harness.Fake.ReceivedRequests.Skip(askedBeforeTheKill).Count(r => r.Conversations.Any(c => askedAgain.Contains(c.Title)))} requests.");
    }

    public async Task DisposeAsync() => await _harness.DisposeAsync();
}
