using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Moq;

namespace ChatOrganizer.Web.Tests.Jobs;

// No step runs twice at once: two copies of the same step, started together, on one instance or on two, and only one
// does the work (and pays for it). The apps here run no job server: the tests run the steps themselves.
[Collection(PostgresCollection.Name)]
public sealed class StepLeaseTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Conversations = 20;
    private static readonly string[] Topics = ["Cooking", "Travel", "Music"];
    private readonly List<ChatOrganizerApp> _apps = [];
    private FakeOpenAiServer _fake = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        // Long enough that the copy which lost the claim starts while the winner is still asking the model.
        _fake.Latency = TimeSpan.FromMilliseconds(300);
    }

    [Fact]
    public async Task TwoCopiesOfEachStepStartedTogetherOnOneInstanceReadAndCategorizeEachConversationOnce()
    {
        var app = Start();

        await RunEveryStepTwiceAtOnceAsync(app, app);
    }

    [Fact]
    public async Task TwoCopiesOfEachStepStartedTogetherOnTwoInstancesOfOneDatabaseReadAndCategorizeEachConversationOnce()
    {
        var database = await postgres.Server.CreateDatabaseAsync("leases");
        var a = Start(database, "instance-a");
        var b = Start(database, "instance-b").With("Storage:DataDirectory", a.DataDirectory); // uploads are read by whichever instance claims the step

        await RunEveryStepTwiceAtOnceAsync(a, b);
    }

    [Fact]
    public async Task AStepQueuedAgainWhileItRunsIsRunByHangfireAndDoesNothing()
    {
        // The model's answers wait until the work items are queued again: the first copies are still running then, however fast.
        var queuedAgain = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _fake.FaultRule = _ => new FakeFault.Held(queuedAgain.Task);
        var app = Start(jobServer: true);
        using var client = app.CreateClient();
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);
        var job = await client.UploadAsync(ExportJson.AboutTopics(40, Topics), "topic", set);
        await client.WaitUntilAsync(job.Id, p => p.Status == JobStatus.Categorizing && _fake.InFlight > 0);

        // As the sweep or another instance might: every work item queued a second time while the first copies run.
        await using (var db = app.Db())
        {
            var items = await db.WorkItems.AsNoTracking().Where(w => w.JobId == job.Id).ToListAsync();
            await app.Services.GetRequiredService<StepQueue>().EnqueueWorkItemsAsync(job.Id, job.FileName, items, CancellationToken.None);
        }
        queuedAgain.SetResult();
        var done = await client.WaitUntilEndedAsync(job.Id);

        Assert.Equal((JobStatus.Done, 40, 0), (done.Status, done.Categorized, done.Failed));
        AssertEachConversationAskedOnce(40);
        await using var check = app.Db();
        Assert.All(await check.WorkItems.Where(w => w.JobId == job.Id).ToListAsync(), w => Assert.Equal((1, null), (w.Attempts, w.LeaseOwner)));
    }

    [Fact]
    public async Task ALeaseIsHeldUntilItExpiresThenTheNextCopyTakesItAndTheFormerHolderCannotCompleteTheItem()
    {
        var app = Start();
        using (app.CreateClient()) { }
        var job = await app.JobAsync("me", JobStatus.Categorizing);
        await app.AddAsync(new WorkItem { JobId = job.Id, Number = 0, FirstIndex = 0, EndIndex = 1 });
        var now = DateTimeOffset.UtcNow;
        var clock = new Mock<TimeProvider> { CallBase = true };
        clock.Setup(c => c.GetUtcNow()).Returns(() => now);
        // A lease of 5 minutes, renewed every 100 s: no renewal happens during the test, as with a holder that died.
        var leases = new StepLeases(
            app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>(),
            Options.Create(new JobOptions { InstanceId = "test", TakeoverTimeout = TimeSpan.FromMinutes(10) }),
            clock.Object, NullLogger<StepLeases>.Instance);

        await using var first = await leases.ClaimWorkItemAsync(job.Id, 0, CancellationToken.None);
        now += TimeSpan.FromMinutes(4);
        var whileHeld = await leases.ClaimWorkItemAsync(job.Id, 0, CancellationToken.None);
        now += TimeSpan.FromMinutes(2);
        await using var afterExpiry = await leases.ClaimWorkItemAsync(job.Id, 0, CancellationToken.None);

        Assert.NotNull(first);
        Assert.Null(whileHeld);
        Assert.NotNull(afterExpiry);
        Assert.False(await leases.CompleteWorkItemAsync(first, job.Id, 0, CancellationToken.None));
        Assert.True(await leases.CompleteWorkItemAsync(afterExpiry, job.Id, 0, CancellationToken.None));
        var item = await app.Db().WorkItems.AsNoTracking().SingleAsync(w => w.JobId == job.Id);
        Assert.Equal((2, null), (item.Attempts, item.LeaseOwner));
        Assert.NotNull(item.CompletedAt);
    }

    // The read step twice at once (one copy on each app), then each work item twice at once.
    private async Task RunEveryStepTwiceAtOnceAsync(ChatOrganizerApp first, ChatOrganizerApp second)
    {
        using var client = first.CreateClient();
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, Topics), "topic", set);

        await TogetherAsync(
            () => RunAsync<ReadExportStep>(first, step => step.RunAsync(job.Id, job.FileName, CancellationToken.None)),
            () => RunAsync<ReadExportStep>(second, step => step.RunAsync(job.Id, job.FileName, CancellationToken.None)));
        var read = await first.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Categorizing, Conversations, 1), (read.Status, read.Read, read.ReadAttempts));

        List<WorkItem> items;
        await using (var db = first.Db()) items = await db.WorkItems.AsNoTracking().Where(w => w.JobId == job.Id).ToListAsync();
        foreach (var item in items)
        {
            Task Categorize(CategorizeWorkItemStep step) => step.RunAsync(job.Id, item.Number, item.FirstIndex + 1, item.EndIndex, job.FileName, CancellationToken.None);
            await TogetherAsync(() => RunAsync<CategorizeWorkItemStep>(first, Categorize), () => RunAsync<CategorizeWorkItemStep>(second, Categorize));
        }

        var done = await first.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Done, Conversations, 0), (done.Status, done.Categorized, done.Failed));
        await using var check = first.Db();
        Assert.Equal(Conversations, await check.Conversations.CountAsync(c => c.JobId == job.Id));
        Assert.All(await check.WorkItems.Where(w => w.JobId == job.Id).ToListAsync(), w => Assert.Equal((1, null), (w.Attempts, w.LeaseOwner)));
        AssertEachConversationAskedOnce(Conversations);
    }

    private void AssertEachConversationAskedOnce(int conversations)
    {
        var asked = _fake.ReceivedRequests.SelectMany(r => r.Conversations).GroupBy(c => c.Title).ToList();
        Assert.Equal(conversations, asked.Count);
        Assert.All(asked, g => Assert.Single(g));
    }

    // As Hangfire runs a step: in a scope of its own.
    private static async Task RunAsync<T>(ChatOrganizerApp app, Func<T, Task> run) where T : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        await run(scope.ServiceProvider.GetRequiredService<T>());
    }

    // Both start at the same instant: each waits on one gate, opened once both are waiting.
    private static async Task TogetherAsync(Func<Task> one, Func<Task> other)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var ready = new CountdownEvent(2);
        Task Run(Func<Task> step) => Task.Run(async () =>
        {
            ready.Signal();
            await gate.Task;
            await step();
        });
        var both = new[] { Run(one), Run(other) };
        ready.Wait(TimeSpan.FromSeconds(10));
        gate.SetResult();
        await Task.WhenAll(both);
    }

    private ChatOrganizerApp Start(string? database = null, string? instance = null, bool jobServer = false)
    {
        var app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", "sk-test")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            .With("Categorization:MaxConcurrency", "2")
            .With("Jobs:WorkItemSize", "10");
        if (database is not null) app.With("Storage:PostgresConnectionString", database);
        if (instance is not null) app.With("Jobs:InstanceId", instance);
        if (!jobServer) app.WithoutJobServer();
        _apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await _fake.DisposeAsync();
    }
}
