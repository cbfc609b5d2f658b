using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

// Topic jobs with the models and endpoints a person picks, against the fake in each dialect: several work items at
// once, the mode found by one refused request between them, and said in the job's log.
public sealed class ModelDialectEndToEndTests : IAsyncDisposable
{
    private static readonly string[] Topics = ["Cooking", "Travel", "Music"];
    private readonly List<ChatOrganizerApp> _apps = [];
    private readonly List<FakeOpenAiServer> _fakes = [];

    [Fact]
    public async Task AGpt4JobFindsItsModeWithOneRefusedRequestSaysSoAndTheNextJobStartsOnIt()
    {
        var fake = await FakeAsync(FakeDialect.OpenAi);
        var app = Start(fake.BaseUrl, "sk-server");
        using var client = app.CreateClient();
        var set = await client.CreateCategorySetAsync([.. Topics, "Other"]);

        var job = await client.UploadAsync(ExportJson.AboutTopics(30, Topics), "topic", set, model: "gpt-4");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var results = await client.ResultsAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        // Three work items of 10 at once, batches of 5: six requests, and one refused json_schema between them.
        Assert.Equal((JobStatus.Done, 30, 30, 0, "gpt-4"), (done.Status, done.Total, done.Categorized, done.Failed, done.Model));
        Assert.Equal([("Cooking", 10), ("Music", 10), ("Travel", 10)], results.Groups.Select(g => (g.Key, g.Count)));
        Assert.Equal(7, fake.Requests);
        Assert.Equal(7, done.Requests);
        Assert.Single(fake.ReceivedRequests, r => r.Mode == ResponseMode.JsonSchema);
        Assert.Equal(6, fake.ReceivedRequests.Count(r => r.Mode == ResponseMode.FunctionCall));
        Assert.Equal(fake.PromptTokens, done.InputTokens);
        var said = Assert.Single(log.Entries, e => e.Message.Contains("answering through a function call", StringComparison.Ordinal));
        Assert.Equal("gpt-4 does not support structured outputs here; answering through a function call.", said.Message);
        Assert.Equal(JobLogLevel.Info, said.Level);
        Assert.DoesNotContain(log.Entries, e => e.Level != JobLogLevel.Info);

        // Another job, other conversations (the cache knows the first ones): the mode is known, nothing refused.
        var second = await client.UploadAsync(ExportJson.AboutTopics(12, "Sailing", "Chess"), "topic", set, model: "gpt-4");
        var secondDone = await client.WaitUntilEndedAsync(second.Id);
        var secondLog = await client.LogAsync(second.Id);

        Assert.Equal((JobStatus.Done, 12), (secondDone.Status, secondDone.Categorized));
        Assert.Equal(7 + 3, fake.Requests);
        Assert.Single(fake.ReceivedRequests, r => r.Mode == ResponseMode.JsonSchema);
        Assert.Single(secondLog.Entries, e => e.Message.Contains("answering through a function call", StringComparison.Ordinal));
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();
        var remembered = await db.ResponseModes.SingleAsync();
        Assert.Equal((fake.BaseUrl.ToString().TrimEnd('/'), "gpt-4", ResponseMode.FunctionCall), (remembered.Endpoint, remembered.Model, remembered.Mode));
    }

    [Fact]
    public async Task AServerThatSaysNothingOfWhatItSupportsCostsAJobOneRefusalAndTheNextJobTriesTheNextModeOnce()
    {
        var fake = await FakeAsync(FakeDialect.Local);
        fake.RefusesJsonSchema = true;
        var app = Start(fake.BaseUrl, serverKey: null, model: "qwen2.5", workItemSize: 100);
        using var client = app.CreateClient();
        var endpoint = fake.BaseUrl.ToString().TrimEnd('/');

        var first = await client.WaitUntilEndedAsync((await client.UploadAsync(ExportJson.AboutTopics(30, Topics), "topic")).Id);
        var firstLog = await client.LogAsync(first.Id);

        // One refusal, then plain text for the rest of the job: what works instead is not known yet.
        Assert.Equal((JobStatus.Done, 30, 0), (first.Status, first.Categorized, first.Failed));
        Assert.Equal(1 + 6, fake.Requests);
        Assert.Single(fake.ReceivedRequests, r => r.Mode == ResponseMode.JsonSchema);
        Assert.Equal(6, fake.ReceivedRequests.Count(r => r.Mode == ResponseMode.PlainText));
        Assert.Contains(firstLog.Entries, e => e.Message ==
            "qwen2.5 does not support structured outputs here; answering in plain text, with the schema in the prompt, for this run; the next run tries a function call once.");
        await using (var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext())
        {
            var remembered = await db.ResponseModes.SingleAsync();
            Assert.Equal((endpoint, ResponseMode.FunctionCall, true), (remembered.Endpoint, remembered.Mode, remembered.Tentative));
        }

        var second = await client.WaitUntilEndedAsync((await client.UploadAsync(ExportJson.AboutTopics(12, "Sailing", "Chess"), "topic")).Id);
        var secondLog = await client.LogAsync(second.Id);

        Assert.Equal((JobStatus.Done, 12), (second.Status, second.Categorized));
        Assert.Equal(7 + 3, fake.Requests);
        Assert.Equal(3, fake.ReceivedRequests.Count(r => r.Mode == ResponseMode.FunctionCall));
        Assert.Contains(secondLog.Entries, e => e.Message == "qwen2.5 does not support structured outputs here; answering through a function call.");
        await using (var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext())
        {
            var remembered = await db.ResponseModes.SingleAsync();
            Assert.Equal((ResponseMode.FunctionCall, false), (remembered.Mode, remembered.Tentative));
        }
    }

    [Fact]
    public async Task AServerOnThisMachineIsUsedWithoutAKeyAndItsMissingUsageIsCountedLocally()
    {
        var fake = await FakeAsync(FakeDialect.Local);
        using var client = Start(fake.BaseUrl, serverKey: null, model: "llama3.1").CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(12, Topics), "topic");
        var done = await client.WaitUntilEndedAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, 12, CategorizationEngine.Model, "llama3.1"), (done.Status, done.Categorized, done.Engine, done.Model));
        Assert.All(fake.ReceivedRequests, r => Assert.Equal("no-key-needed", r.ApiKey));
        Assert.True(done.InputTokens > 0);
        Assert.Contains(log.Entries, e => e.Message == "The endpoint reports no token usage for llama3.1; input tokens are estimated here instead.");
        Assert.Contains(log.Entries, e => e.Message == "The model llama3.1 files the conversations, on a model server on this machine that needs no API key.");
        Assert.DoesNotContain(log.Entries, e => e.Message.Contains("API key.") && e.Message.Contains("with"));
    }

    [Fact]
    public async Task AnAzureDeploymentJobIsCategorizedThroughItsPortalUrl()
    {
        var fake = await FakeAsync(FakeDialect.Azure);
        fake.Deployments["prod-4o"] = "gpt-4o";
        using var client = Start(fake.DeploymentUrl("prod-4o"), "azure-key", model: "gpt-4o").CreateClient();

        var job = await client.UploadAsync(ExportJson.AboutTopics(12, Topics), "topic");
        var done = await client.WaitUntilEndedAsync(job.Id);

        Assert.Equal((JobStatus.Done, 12), (done.Status, done.Categorized));
        Assert.All(fake.ReceivedRequests, r => Assert.Equal(("azure-key", "/openai/deployments/prod-4o/chat/completions?api-version=2024-10-21"), (r.ApiKey, r.Path)));
        Assert.Equal(fake.PromptTokens, done.InputTokens);
    }

    private async Task<FakeOpenAiServer> FakeAsync(FakeDialect dialect)
    {
        var fake = await FakeOpenAiServer.StartAsync(dialect);
        _fakes.Add(fake);
        return fake;
    }

    private ChatOrganizerApp Start(Uri baseUrl, string? serverKey, string? model = null, int workItemSize = 10)
    {
        var app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", serverKey ?? "")
            .With("Categorization:BaseUrl", baseUrl.ToString())
            .With("Categorization:Model", model ?? CategorizationOptions.DefaultModel)
            .With("Categorization:BatchSize", "5")
            .With("Categorization:MaxConcurrency", "2")
            .With("Jobs:WorkItemSize", workItemSize.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Jobs:Concurrency", "3")
            .With("RateLimits:Polling:PermitLimit", "100000")
            .With("RateLimits:Polling:AddressPermitLimit", "100000");
        _apps.Add(app);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        foreach (var fake in _fakes) await fake.DisposeAsync();
    }
}
