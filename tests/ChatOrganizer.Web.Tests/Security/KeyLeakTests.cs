using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Pages;
using Microsoft.Extensions.Logging;

namespace ChatOrganizer.Web.Tests.Security;

// A person's key, given in the upload form and through POST /api/keys, is used for their jobs and then
// searched for everywhere it could have leaked: every log message at every level, every file in the data folder
// (SQLite database and its journal, Data Protection keys, uploads) and every response.
public sealed class KeyLeakTests : IAsyncLifetime
{
    private const string FormKey = "sk-proj-FormKey7f3a9c21d4e8b6";
    private const string ApiKey = "sk-proj-ApiKey5b8e2d71c9a4f0";

    private readonly CapturedLogs _logs = new();
    private readonly List<string> _responses = [];
    private FakeOpenAiServer _fake = null!;
    private ChatOrganizerApp _app = null!;

    public async Task InitializeAsync()
    {
        _fake = await FakeOpenAiServer.StartAsync();
        _app = new ChatOrganizerApp()
            .With("Categorization:ApiKey", "")
            .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
            .With("Categorization:BatchSize", "5")
            // Everything every component can say, framework and job server included, is searched. (Hangfire logs through a
            // process-wide provider: to the app that set it up last, which here may be another test's.)
            .With("Logging:LogLevel:Default", "Trace")
            .With("Logging:LogLevel:Microsoft.AspNetCore", "Trace")
            .With("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace")
            .With("Logging:LogLevel:Hangfire", "Trace")
            .With("RateLimits:Polling:PermitLimit", "100000")
            .With("RateLimits:Polling:AddressPermitLimit", "100000")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(_logs));
    }

    [Fact]
    public async Task AKeyGivenByAPersonNeverAppearsInLogsDataFolderOrResponses()
    {
        using var browser = _app.CreateClient(new() { AllowAutoRedirect = false });
        using var script = _app.CreateClient();

        // Through the page's form, as a person does, then through the API, as a script does.
        _fake.RequiredApiKey = FormKey;
        var formJob = await browser.UploadThroughThePageAsync(ExportJson.AboutTopics(12, "Cooking", "Travel"), ("mode", "topic"), ("apiKey", FormKey));
        await FollowToTheEndAsync(browser, formJob);
        _fake.RequiredApiKey = ApiKey;
        using (var keyResponse = await script.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new { apiKey = ApiKey }))
        {
            _responses.Add(await keyResponse.Content.ReadAsStringAsync());
            var token = System.Text.Json.JsonDocument.Parse(_responses[^1]).RootElement.GetProperty("token").GetString();
            // Other conversations: the same ones would come from the categorization cache, sending nothing.
            var apiJob = await script.UploadAsync(ExportJson.AboutTopics(12, "Music", "Finance"), "topic", keyToken: token);
            await FollowToTheEndAsync(script, apiJob.Id);
        }

        // The keys really were used: the fake accepted nothing else.
        Assert.Contains(_fake.ReceivedRequests, r => r.ApiKey == FormKey);
        Assert.Contains(_fake.ReceivedRequests, r => r.ApiKey == ApiKey);
        Assert.True(_logs.Messages.Count > 100, $"only {_logs.Messages.Count} log messages were captured");
        foreach (var key in new[] { FormKey, ApiKey })
        {
            var leaking = _logs.Messages.Where(m => m.Contains(key, StringComparison.Ordinal)).ToList();
            Assert.True(leaking.Count == 0, $"the key is in {leaking.Count} log message(s), e.g. {leaking.FirstOrDefault()}");
            Assert.DoesNotContain(_responses, r => r.Contains(key, StringComparison.Ordinal));
            Assert.Empty(FilesHolding(key));
        }
    }

    private async Task FollowToTheEndAsync(HttpClient client, string jobId)
    {
        var done = await client.WaitUntilEndedAsync(jobId);
        Assert.Equal(JobStatus.Done, done.Status);
        foreach (var path in new[]
        {
            $"/api/jobs/{jobId}", $"/api/jobs/{jobId}/log", $"/api/jobs/{jobId}/results", $"/api/jobs/{jobId}/conversations/0",
            $"/jobs/{jobId}", $"/jobs/{jobId}/results", $"/jobs/{jobId}/conversations/0",
            $"/jobs/{jobId}/download.csv", $"/jobs/{jobId}/download.json", "/jobs", "/",
        })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path} answered {(int)response.StatusCode}");
            _responses.Add($"{response.Headers}{await response.Content.ReadAsStringAsync()}");
        }
    }

    // Byte-level, so text inside the SQLite pages and journals counts; UTF-16 and Base64 too, in case a layer re-encodes.
    private List<string> FilesHolding(string key)
    {
        byte[][] needles = [Encoding.UTF8.GetBytes(key), Encoding.Unicode.GetBytes(key), Encoding.UTF8.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(key)))];
        var found = new List<string>();
        foreach (var path in Directory.EnumerateFiles(_app.DataDirectory, "*", SearchOption.AllDirectories))
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            file.CopyTo(copy);
            var bytes = copy.ToArray();
            if (needles.Any(n => bytes.AsSpan().IndexOf(n) >= 0)) found.Add(path);
        }
        return found;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _fake.DisposeAsync();
    }
}
