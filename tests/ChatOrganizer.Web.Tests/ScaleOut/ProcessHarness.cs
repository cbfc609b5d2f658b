using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.ScaleOut;

/// <summary>
/// What the process-level tests share: the fake model, a data folder, settings that make work overlap, and a gate
/// that holds the model's requests so a test knows exactly which ones are in flight when it kills an instance.
/// </summary>
internal sealed class ProcessHarness : IAsyncDisposable
{
    public static readonly string[] Topics = ["Cooking", "Travel", "Music"];

    private readonly ConcurrentQueue<FakeChatRequest> _held = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProcessHarness(FakeOpenAiServer fake) => Fake = fake;

    public FakeOpenAiServer Fake { get; }
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("chatorg-process-").FullName;

    /// <summary>Requests held since <see cref="Hold"/>: what was in flight when the gate closed.</summary>
    public IReadOnlyList<FakeChatRequest> HeldRequests => [.. _held];

    public static async Task<ProcessHarness> StartAsync()
    {
        var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(200);
        return new ProcessHarness(fake);
    }

    /// <summary>Small batches and work items, and two of each at once, so that work is in flight most of the time.</summary>
    public Dictionary<string, string> Settings(string apiKey) => new()
    {
        ["DATA_DIR"] = DataDirectory,
        ["OPENAI_API_KEY"] = apiKey,
        ["OPENAI_BASE_URL"] = Fake.BaseUrl.ToString(),
        ["Categorization__BatchSize"] = "5",
        ["Categorization__MaxConcurrency"] = "2",
        ["Jobs__WorkItemSize"] = "20",
        ["Jobs__Concurrency"] = "2",
        ["Jobs__RetryDelay"] = "00:00:01",
        ["RATELIMIT_POLLING_PERMITLIMIT"] = "1000000",
        ["RATELIMIT_POLLING_ADDRESSPERMITLIMIT"] = "1000000",
    };

    public static byte[] Export(int conversations) => ExportJson.AboutTopics(conversations, Topics);

    /// <summary>What an uninterrupted run files conversation <paramref name="index"/> under: the topic its title names.</summary>
    public static string ExpectedCategory(int index) => Topics[index % Topics.Length];

    /// <summary>From now on the fake answers nothing new: each request is held until <see cref="Release"/>.</summary>
    public void Hold() => Fake.FaultRule = request =>
    {
        _held.Enqueue(request);
        return new FakeFault.Held(_release.Task);
    };

    public void Release()
    {
        Fake.FaultRule = null;
        _release.TrySetResult();
    }

    /// <summary>
    /// Waits, after <see cref="Hold"/>, until <paramref name="enough"/> requests are held and every conversation the fake
    /// answered is stored: then the held requests are exactly what is in flight, and nothing else is moving.
    /// </summary>
    public async Task<IReadOnlyList<FakeChatRequest>> WaitUntilOnlyHeldRequestsAreInFlightAsync(
        HttpClient client, string jobId, Func<IReadOnlyList<FakeChatRequest>, bool> enough)
    {
        await EventuallyAsync(async () =>
        {
            var progress = await client.ProgressAsync(jobId);
            return enough(HeldRequests) && progress.Categorized + progress.Failed == AnsweredConversations().Count;
        }, "every answered conversation to be stored while requests are held");
        return HeldRequests;
    }

    /// <summary>How often the fake was asked about each conversation, by title.</summary>
    public Dictionary<string, int> RequestsPerConversation() =>
        Fake.ReceivedRequests.SelectMany(r => r.Conversations).GroupBy(c => c.Title).ToDictionary(g => g.Key, g => g.Count());

    public static HashSet<string> TitlesIn(IEnumerable<FakeChatRequest> requests) => [.. requests.SelectMany(r => r.Conversations).Select(c => c.Title)];

    /// <summary>A bearer session: it opens on any instance sharing the data folder's keys, and after a restart.</summary>
    public static async Task<string> SessionTokenAsync(AppProcess app)
    {
        using var client = app.CreateClient();
        using var response = await client.PostAsync(new Uri("/api/session", UriKind.Relative), content: null);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<TokenResponse>())!.AccessToken;
    }

    public static HttpClient Client(AppProcess app, string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Generous: these tests share two loaded cores with everything else.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.MatchesAsync(condition, done => done, TimeSpan.FromSeconds(120), _ => $"waiting for {what}");

    private HashSet<string> AnsweredConversations()
    {
        var held = HeldRequests.Select(r => r.Number).ToHashSet();
        return TitlesIn(Fake.ReceivedRequests.Where(r => !held.Contains(r.Number)));
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await Fake.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // The OS temp cleaner will have it.
        }
    }

    private sealed record TokenResponse(string AccessToken);
}
