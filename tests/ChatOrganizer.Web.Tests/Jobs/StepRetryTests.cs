using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;
using Microsoft.Data.Sqlite;
using Moq;

namespace ChatOrganizer.Web.Tests.Jobs;

// A step whose storage call fails is run again by Hangfire (AutomaticRetry, Jobs:MaxAttempts and Jobs:RetryDelay);
// one that keeps failing ends its job as failed with the reason. The failing call is the categorization cache's
// lookup, the first thing a work item asks of storage, made to fail by a mock.
public sealed class StepRetryTests : IAsyncLifetime
{
    private static readonly SqliteException Locked = new("database is locked", 5);
    private readonly Mock<ICategorizationCache> _cache = new();
    private FakeOpenAiServer _fake = null!;
    private ChatOrganizerApp _app = null!;
    private int _lookups;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        _cache.Setup(c => c.PutManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheEntry>>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        _app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", "sk-test")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Jobs:MaxAttempts", "3")
            .With("Jobs:RetryDelay", "00:00:00")
            .WithServices(services => services.AddSingleton(_cache.Object));
    }

    [Fact]
    public async Task AStepWhoseStorageFailsTwiceIsRunAgainAndFinishesTheJob()
    {
        FailLookups(times: 2);
        using var client = _app.CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(12, "Cooking", "Travel"));
        var done = await client.WaitUntilEndedAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, 12), (done.Status, done.Categorized));
        Assert.Equal(2, log.Entries.Count(e => e.Message.StartsWith("Categorizing conversations 1–12 failed (", StringComparison.Ordinal) && e.Message.EndsWith("); trying again shortly.", StringComparison.Ordinal)));
        Assert.Contains(log.Entries, e => e.Message == "Resuming conversations 1–12 (attempt 3 of 3).");
        Assert.Equal(3, _lookups);
    }

    [Fact]
    public async Task AStepWhoseStorageKeepsFailingEndsTheJobAsFailedWithTheReasonAfterMaxAttempts()
    {
        FailLookups(times: int.MaxValue);
        using var client = _app.CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(12, "Cooking", "Travel"));
        var failed = await client.WaitUntilEndedAsync(job.Id);

        Assert.Equal(JobStatus.Failed, failed.Status);
        Assert.Equal($"Categorizing conversations 1–12 failed 3 times; the last error was: {Locked.Message}", failed.FailureReason);
        Assert.Equal(3, _lookups);
        Assert.Equal(0, _fake.Requests);
    }

    private void FailLookups(int times) =>
        _cache.Setup(c => c.GetManyAsync(It.IsAny<IReadOnlyCollection<CategorizationCacheKey>>(), It.IsAny<CancellationToken>()))
            .Returns(() => Interlocked.Increment(ref _lookups) <= times
                ? Task.FromException<IReadOnlyDictionary<CategorizationCacheKey, string>>(Locked)
                : Task.FromResult<IReadOnlyDictionary<CategorizationCacheKey, string>>(new Dictionary<CategorizationCacheKey, string>()));

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }
}
