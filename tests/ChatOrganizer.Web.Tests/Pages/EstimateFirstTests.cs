using System.Net;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

// The upload page's "estimate first": a topic job with a model reads the export, shows the engine's estimate, and sends nothing until started.
public sealed class EstimateFirstTests : IAsyncLifetime
{
    private static readonly byte[] Export = ExportJson.AboutTopics(12, "Cooking", "Travel");
    private readonly List<ChatOrganizerApp> _apps = [];
    private FakeOpenAiServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeOpenAiServer.StartAsync();

    [Fact]
    public async Task AJobAskedToEstimateFirstWaitsWithTheEnginesNumbersAndSendsNothingUntilStarted()
    {
        var app = Start(serverKey: "sk-server");
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "topic"), ("estimateFirst", "on"));
        var waiting = await SettledAsync(app, jobId);
        var page = await client.PageAsync($"/jobs/{jobId}");

        Assert.Equal((JobStatus.AwaitingStart, 12), (waiting.Status, waiting.Total));
        Assert.Equal(0, _fake.Requests);
        Assert.Contains("data-estimate=\"send\">12<", page, StringComparison.Ordinal);
        Assert.Contains("data-estimate=\"requests\">3<", page, StringComparison.Ordinal); // 12 conversations in batches of 5
        Assert.Matches("data-estimate=\"cost\">(under )?\\$[0-9.]+<", page);
        Assert.Contains($"action=\"/jobs/{jobId}/start\"", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http-equiv=\"refresh\"", page, StringComparison.Ordinal);

        using var started = await client.PostFormAsync($"/jobs/{jobId}/start");
        var done = await SettledAsync(app, jobId);

        Assert.Equal(HttpStatusCode.Found, started.StatusCode);
        Assert.Equal((JobStatus.Done, 12, 0), (done.Status, done.Categorized, done.Failed));
        Assert.Equal(3, _fake.Requests); // what the estimate said
    }

    [Fact]
    public async Task AWaitingJobCanBeCancelledInsteadAndNothingIsSent()
    {
        var app = Start(serverKey: "sk-server");
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "topic"), ("estimateFirst", "on"));
        await SettledAsync(app, jobId);

        using var cancelled = await client.PostFormAsync($"/jobs/{jobId}/cancel");

        Assert.Equal(JobStatus.Cancelled, (await app.ReloadAsync(jobId)).Status);
        Assert.Equal(0, _fake.Requests);
    }

    [Fact]
    public async Task WithNoModelToPayForTheJobDoesNotWait()
    {
        // No key, and OpenAI's endpoint (a server on this machine would need no key): the offline categorizer.
        var app = Start(serverKey: null).With("Categorization:BaseUrl", "https://api.openai.com/v1");
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });
        await OfflineReady.WarmAsync(app);

        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "topic"), ("estimateFirst", "on"));

        Assert.Equal(JobStatus.Done, (await SettledAsync(app, jobId)).Status);
    }

    [Fact]
    public async Task WithoutEstimateFirstTheJobGoesStraightThrough()
    {
        var app = Start(serverKey: "sk-server");
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "topic"));

        Assert.Equal(JobStatus.Done, (await SettledAsync(app, jobId)).Status);
        Assert.Equal(3, _fake.Requests);
    }

    private static Task<Job> SettledAsync(ChatOrganizerApp app, string jobId) =>
        Eventually.MatchesAsync(() => app.ReloadAsync(jobId),
            j => j.Status is JobStatus.AwaitingStart or JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled,
            Eventually.BackgroundWork, j => $"{j.Status} ({j.FailureReason})");

    private ChatOrganizerApp Start(string? serverKey)
    {
        var app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", serverKey ?? "")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            .With("Jobs:WorkItemSize", "10");
        _apps.Add(app);
        return app;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await _fake.DisposeAsync();
    }
}
