using System.Net;
using System.Net.Http.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

// Upload to last result inside the test process: the real reader, Hangfire steps on SQLite, the categorization engine,
// and the fake model on loopback. Small batches and work items so that even 30 conversations take several of each.
public sealed class EndToEndTests : IAsyncLifetime
{
    private static readonly string[] Topics = ["Cooking", "Travel", "Music"];
    private readonly TempExportFolder _folder = new();
    private readonly List<ChatOrganizerApp> _apps = [];
    private FakeOpenAiServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task PostingAZipForTopicsCreatesAJobThatReachesDoneWithEveryConversationFiledByTheModel()
    {
        using var client = Start(serverKey: "sk-server").CreateClient();
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);

        var job = await client.UploadAsync(Zip(ExportJson.AboutTopics(30, Topics)), "topic", set, fileName: "export.zip");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var results = await client.ResultsAsync(job.Id);

        Assert.Equal((JobStatus.Done, 30, 30, 0), (done.Status, done.Total, done.Categorized, done.Failed));
        Assert.Equal((CategorizationEngine.Model, CategorizationOptions.DefaultModel), (done.Engine, done.Model));
        Assert.Equal([("Cooking", 10), ("Music", 10), ("Travel", 10)], results.Groups.Select(g => (g.Key, g.Count)));
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.Equal(CategorizationEngine.Model, c.Engine));
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.EndsWith($"about {c.Category}", c.Title, StringComparison.Ordinal));
        // 3 work items of 10, batches of 5: six requests, as the fake counted them, with its token usage.
        Assert.Equal((6, 0), (done.Requests, done.Retries));
        Assert.Equal((_fake.Requests, _fake.PromptTokens, _fake.CompletionTokens), (done.Requests, done.InputTokens, done.OutputTokens));
        Assert.All(_fake.ReceivedRequests, r => Assert.Equal("sk-server", r.ApiKey));
    }

    [Fact]
    public async Task ARetryShowsInTheProgressAndInTheLogWithItsReason()
    {
        _fake.Enqueue(new FakeFault.RateLimited(TimeSpan.FromMilliseconds(100)));
        using var client = Start(serverKey: "sk-server").CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(10, Topics), "topic");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, 10, 1), (done.Status, done.Categorized, done.Retries));
        Assert.Equal(_fake.Requests, done.Requests);
        var retry = Assert.Single(log.Entries, e => e.Level == JobLogLevel.Warning);
        Assert.StartsWith("A request for 5 conversations failed (HTTP 429, Retry-After 100ms); retrying in 0.1 s", retry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("month", 24, "2025-12", 1, "2024-01", 2)] // newest first, as the results page reads
    [InlineData("year", 2, "2025", 12, "2024", 18)]
    public async Task PostingAZipForMonthsOrYearsGroupsByDateWithoutAskingTheModel(
        string mode, int groups, string firstKey, int firstCount, string lastKey, int lastCount)
    {
        using var client = Start(serverKey: "sk-server").CreateClient();

        var job = await client.UploadAsync(Zip(ExportJson.AboutTopics(30, Topics)), mode, fileName: "export.zip");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var results = await client.ResultsAsync(job.Id, mode);

        Assert.Equal((JobStatus.Done, 30), (done.Status, done.Read));
        Assert.Equal(groups, results.Groups.Count);
        Assert.Equal((firstKey, firstCount), (results.Groups[0].Key, results.Groups[0].Count));
        Assert.Equal((lastKey, lastCount), (results.Groups[^1].Key, results.Groups[^1].Count));
        Assert.Equal(0, _fake.Requests);
        Assert.Null(done.Engine);
    }

    [Fact]
    public async Task WithoutAnyKeyTheOfflineCategorizerFilesEveryConversationAndTheJobSaysSo()
    {
        // OpenAI's own endpoint (a server on this machine would need no key).
        var app = Start(serverKey: null).With("Categorization:BaseUrl", "https://api.openai.com/v1");
        using var client = app.CreateClient();
        await OfflineReady.WarmAsync(app);

        var job = await client.UploadAsync(ExportJson.AboutTopics(12, Topics), "topic");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var results = await client.ResultsAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, 12, 0), (done.Status, done.Categorized, done.Failed));
        Assert.Equal((CategorizationEngine.Offline, null, 0), (done.Engine, done.Model, done.Requests));
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.Equal(CategorizationEngine.Offline, c.Engine));
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.InRange(c.Confidence!.Value, 0, 1));
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.Matches("^(closest to|nothing close enough)", c.Reason));
        Assert.Contains(log.Entries, e => e.Message.Contains("offline categorizer", StringComparison.Ordinal));
        Assert.Equal(0, _fake.Requests);
    }

    [Fact]
    public async Task AKeyTokenIsUsedForItsJobOnlyKeptProtectedWhileItRunsAndDroppedWhenItEnds()
    {
        const string personalKey = "sk-person-0123456789";
        _fake.RequiredApiKey = personalKey;
        // The model's answers wait until the running job has been looked at: it cannot be over before that, however fast.
        var looked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.FaultRule = _ => new FakeFault.Held(looked.Task);
        var app = Start(serverKey: null);
        using var client = app.CreateClient();
        var token = await client.KeyTokenAsync(personalKey);

        var job = await client.UploadAsync(ExportJson.AboutTopics(30, Topics), "topic", keyToken: token);
        await client.WaitUntilAsync(job.Id, p => p.Status == JobStatus.Categorizing && _fake.InFlight > 0);
        var whileRunning = await app.ReloadAsync(job.Id);
        looked.SetResult();
        var done = await client.WaitUntilEndedAsync(job.Id);
        var afterwards = await app.ReloadAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, 30, CategorizationEngine.Model), (done.Status, done.Categorized, done.Engine));
        Assert.NotNull(whileRunning.ProtectedApiKey);
        Assert.DoesNotContain(personalKey, whileRunning.ProtectedApiKey, StringComparison.Ordinal);
        Assert.Null(afterwards.ProtectedApiKey);
        Assert.All(_fake.ReceivedRequests, r => Assert.Equal(personalKey, r.ApiKey));
        Assert.Contains(log.Entries, e => e.Message.Contains("with your API key", StringComparison.Ordinal));
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains(personalKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARefusedKeyEndsTheJobAsFailedWithTheEnginesSentenceAndNeverTheKey()
    {
        const string wrongKey = "sk-wrong-0123456789";
        _fake.RequiredApiKey = "sk-right";
        var app = Start(serverKey: wrongKey);
        using var client = app.CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(30, Topics), "topic");
        var failed = await client.WaitUntilEndedAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Contains("did not accept the API key (HTTP 401)", failed.FailureReason, StringComparison.Ordinal);
        Assert.Equal($"Failed: {failed.FailureReason}", log.Entries[^1].Message);
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains(wrongKey, StringComparison.Ordinal));
        Assert.Empty((await client.ResultsAsync(job.Id)).Groups);
    }

    [Fact]
    public async Task CancellingWhileCategorizingStopsAskingTheModelAndKeepsWhatWasStored()
    {
        // The first two requests (ten conversations) are answered, the rest wait until the cancel has been sent: the
        // job is mid-way when cancelled, however fast it would otherwise run.
        var cancelSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.FaultRule = request => request.Number > 2 ? new FakeFault.Held(cancelSent.Task) : null;
        var app = Start(serverKey: "sk-server");
        using var client = app.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(200, Topics), "topic");
        await client.WaitUntilAsync(job.Id, p => p.Categorized >= 10);

        using var cancel = await client.PostAsync(new Uri($"/api/jobs/{job.Id}/cancel", UriKind.Relative), content: null);
        var askedAtCancel = _fake.Requests;
        cancelSent.SetResult();
        var asked = await QuietAsync(() => _fake.Requests);
        var cancelled = await client.ProgressAsync(job.Id);
        await using var db = app.Db();
        var stored = await db.Results.CountAsync(r => r.JobId == job.Id);

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(JobStatus.Cancelled, (await cancel.Content.ReadFromJsonAsync<JobProgress>(JobApi.Json))!.Status);
        Assert.Equal(JobStatus.Cancelled, cancelled.Status);
        // Requests already in flight may finish (2 work items × 2 requests), but none start after them.
        Assert.InRange(asked - askedAtCancel, 0, 2 * 2);
        Assert.InRange(cancelled.Categorized, 10, 199);
        Assert.Equal(cancelled.Categorized, stored);
        Assert.Equal("Cancelled on request. Results so far are kept.", (await client.LogAsync(job.Id)).Entries[^1].Message);
    }

    [Fact]
    public async Task DamagedConversationsAreLoggedWithFileIndexIdAndReasonAndOneWithNothingToReadFails()
    {
        var broken = ExportJson.Conversation("conv-broken", "Broken but titled");
        broken["mapping"] = 42;
        var export = Zip(System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(ExportJson.Conversation("conv-fine", "Fine"), broken, 7)));
        using var client = Start(serverKey: null).CreateClient();

        var job = await client.UploadAsync(export, "topic", fileName: "export.zip");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var log = await client.LogAsync(job.Id);
        var results = await client.ResultsAsync(job.Id);

        Assert.Equal((JobStatus.Done, 3, 2, 1), (done.Status, done.Total, done.Categorized, done.Failed));
        Assert.Contains(log.Entries, e => e.Level == JobLogLevel.Error && e.Message.StartsWith("conversations.json #1 (conv-broken) at $.mapping: ", StringComparison.Ordinal));
        Assert.Contains(log.Entries, e => e.Level == JobLogLevel.Error && e.Message.StartsWith("conversations.json #2 at $: ", StringComparison.Ordinal));
        var unreadable = Assert.Single(results.Failed);
        Assert.Equal(2, unreadable.Index);
        Assert.StartsWith("Nothing to categorize: ", unreadable.FailureReason, StringComparison.Ordinal);
    }

    private ChatOrganizerApp Start(string? serverKey)
    {
        var app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", serverKey ?? "")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            .With("Categorization:MaxConcurrency", "2")
            .With("Jobs:WorkItemSize", "10")
            .With("Jobs:Concurrency", "2")
            .With("RateLimits:Polling:PermitLimit", "100000")
            .With("RateLimits:Polling:AddressPermitLimit", "100000");
        _apps.Add(app);
        return app;
    }

    private byte[] Zip(byte[] conversationsJson) => File.ReadAllBytes(_folder.WriteZip($"export-{Guid.NewGuid():N}.zip", ("conversations.json", conversationsJson)));

    // Reads a counter until it has not moved for a second; its last value.
    private static async Task<int> QuietAsync(Func<int> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var last = read();
        var since = DateTime.UtcNow;
        while (DateTime.UtcNow - since < TimeSpan.FromSeconds(1))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The counter kept moving ({last}).");
            await Task.Delay(100);
            if (read() is var now && now != last) (last, since) = (now, DateTime.UtcNow);
        }
        return last;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await _fake.DisposeAsync();
        _folder.Dispose();
    }
}
