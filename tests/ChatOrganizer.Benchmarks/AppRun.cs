using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Testing.Processes;

namespace ChatOrganizer.Benchmarks;

// The app in its own process on a temp data folder, talking to the fake model, with one bearer session.
internal sealed class AppRun : IAsyncDisposable
{
    private readonly string _data;
    private readonly bool _keep;

    private AppRun(string data, bool keep, AppProcess app, HttpClient client)
    {
        _data = data;
        _keep = keep;
        App = app;
        Client = client;
    }

    public AppProcess App { get; }

    // The app's data folder (its SQLite file, uploads).
    public string DataDirectory => _data;
    public HttpClient Client { get; }

    // limited: Keep the configured rate limits; by default polling is unlimited, as the limiter is not what most suites measure.
    // fake: The model to talk to; null for a server without a key (topic jobs go to the offline categorizer).
    // webDll: Another build of the app (another commit's) instead of the one built beside the benchmarks.
    // settings: More environment for the app, e.g. Jobs__SearchIndex=false for a baseline.
    // dataDirectory: A data folder to use and keep (a later run can start on it again); by default a temp one, deleted.
    public static async Task<AppRun> StartAsync(FakeOpenAiServer? fake, bool limited = false, string? webDll = null, IReadOnlyDictionary<string, string>? settings = null, string? dataDirectory = null)
    {
        var data = dataDirectory ?? Directory.CreateTempSubdirectory("chatorg-bench-").FullName;
        Directory.CreateDirectory(data);
        var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>()) { ["DATA_DIR"] = data };
        if (fake is not null)
        {
            environment["OPENAI_API_KEY"] = "sk-bench";
            environment["OPENAI_BASE_URL"] = fake.BaseUrl.ToString();
        }
        if (!limited)
        {
            environment["RATELIMIT_POLLING_PERMITLIMIT"] = "100000000";
            environment["RATELIMIT_POLLING_ADDRESSPERMITLIMIT"] = "100000000";
        }
        var app = await AppProcess.StartAsync(environment, webDll);
        // A kept folder keeps its session too (the token is signed with the keys in the folder).
        var tokenFile = Path.Combine(data, "bench-session-token");
        var client = dataDirectory is not null && File.Exists(tokenFile) ? app.SessionClient(await File.ReadAllTextAsync(tokenFile)) : await app.SessionClientAsync();
        if (dataDirectory is not null) await File.WriteAllTextAsync(tokenFile, client.DefaultRequestHeaders.Authorization!.Parameter);
        return new AppRun(data, keep: dataDirectory is not null, app, client);
    }

    // A client in a new session of its own (a bearer token from POST /api/session).
    public Task<HttpClient> NewSessionAsync() => App.SessionClientAsync();

    public Task<string> UploadAsync(HttpContent file, string fileName = "conversations.json", string mode = "topic") => UploadAsync(Client, file, fileName, mode);

    public static async Task<string> UploadAsync(HttpClient client, HttpContent file, string fileName = "conversations.json", string mode = "topic")
    {
        using var form = new MultipartFormDataContent { { file, "file", fileName }, { new StringContent(mode), "mode" } };
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), form);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return response.IsSuccessStatusCode
            ? body.GetProperty("id").GetString()!
            : throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {body}");
    }

    public async Task<JsonElement> ProgressAsync(string job) =>
        await Client.GetFromJsonAsync<JsonElement>(new Uri($"/api/jobs/{job}", UriKind.Relative));

    public async Task<JsonElement> WaitAsync(string job, Func<JsonElement, bool> condition, TimeSpan timeout, int pollMilliseconds = 250)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var progress = await ProgressAsync(job);
            if (condition(progress)) return progress;
            if (deadline.Elapsed > timeout) throw new TimeoutException($"The job is still {progress}.");
            await Task.Delay(pollMilliseconds);
        }
    }

    // Waits until a search has no rows left to scan that the full-text index lacks (SQLite indexes behind the read step).
    // A build without that (no /api/search/status) indexed in the read step. Polled twice a second: each is one count.
    public async Task WaitUntilIndexedAsync(TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            using var response = await Client.GetAsync(new Uri("/api/search/status", UriKind.Relative));
            if (response.StatusCode == System.Net.HttpStatusCode.NotFound) return;
            response.EnsureSuccessStatusCode();
            using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var pending = answer.RootElement.GetProperty("pending").GetInt32();
            // Builds before the second pass of month and year jobs say nothing of preparing.
            var preparing = answer.RootElement.TryGetProperty("preparing", out var value) ? value.GetInt32() : 0;
            if (pending == 0 && preparing == 0) return;
            if (deadline.Elapsed > timeout) throw new TimeoutException($"The search index still lacks {pending} rows, and {preparing} conversations are not prepared.");
            await Task.Delay(500);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        if (_keep) return;
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner will have it.
        }
    }
}

internal static class AppProcessSessions
{
    public static async Task<HttpClient> SessionClientAsync(this AppProcess app)
    {
        var client = app.CreateClient();
        using var session = await client.PostAsync(new Uri("/api/session", UriKind.Relative), content: null);
        var token = (await session.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static HttpClient SessionClient(this AppProcess app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
