using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Testing.Processes;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.ScaleOut;

// What the process-level tests share: the fake model, a data folder, settings that make work overlap, and a gate
// that holds the model's requests so a test knows exactly which ones are in flight when it kills an instance.
internal sealed class ProcessHarness : IAsyncDisposable
{
    public static readonly string[] Topics = ["Cooking", "Travel", "Music"];

    private readonly ConcurrentQueue<FakeChatRequest> _held = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ProcessHarness(FakeOpenAiServer fake) => Fake = fake;

    public FakeOpenAiServer Fake { get; }
    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("chatorg-process-").FullName;

    // Requests held since Hold.
    public IReadOnlyList<FakeChatRequest> HeldRequests => [.. _held];

    public static async Task<ProcessHarness> StartAsync()
    {
        var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(200);
        return new ProcessHarness(fake);
    }

    // Small batches and work items, and two of each at once, so that work is in flight most of the time.
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
        // A held request waits as long as its test needs (a slow restart on a loaded machine): an instance giving up on
        // one would ask again, which is what these tests count.
        ["Categorization__RequestTimeout"] = "00:10:00",
        ["RATELIMIT_POLLING_PERMITLIMIT"] = "1000000",
        ["RATELIMIT_POLLING_ADDRESSPERMITLIMIT"] = "1000000",
    };

    public static byte[] Export(int conversations) => ExportJson.AboutTopics(conversations, Topics);

    // What an uninterrupted run files conversation index under: the topic its title names.
    public static string ExpectedCategory(int index) => Topics[index % Topics.Length];

    // From now on, or once afterRequests more requests have come, the fake answers nothing new: each request is
    // held until Release.
    public void Hold(int afterRequests = 0)
    {
        var last = Fake.Requests + afterRequests;
        Fake.FaultRule = request =>
        {
            if (request.Number <= last) return null;
            _held.Enqueue(request);
            return new FakeFault.Held(_release.Task);
        };
    }

    // What a killed instance had in flight: the requests held, once one that reached the fake as it died is held too.
    public async Task<IReadOnlyList<FakeChatRequest>> HeldAfterTheKillAsync(AppProcess killed)
    {
        Assert.True(killed.HasExited);
        await Task.Delay(TimeSpan.FromSeconds(1));
        return HeldRequests;
    }

    public void Release()
    {
        Fake.FaultRule = null;
        _release.TrySetResult();
    }

    // Waits, after Hold, until enough requests are held and every conversation the fake
    // answered is stored: from then on, what is in flight is exactly what is held (read it once the instance is gone,
    // since a request sent meanwhile is held too).
    public Task WaitUntilOnlyHeldRequestsAreInFlightAsync(HttpClient client, string jobId, Func<IReadOnlyList<FakeChatRequest>, bool> enough) =>
        EventuallyAsync(async () =>
        {
            var progress = await client.ProgressAsync(jobId);
            return enough(HeldRequests) && progress.Categorized + progress.Failed == AnsweredConversations().Count;
        }, "every answered conversation to be stored while requests are held");

    // The job ended as an uninterrupted run would have: every conversation filed once, under the topic its title names,
    // and the model asked again about exactly the conversations inFlight held when an instance was
    // killed, once more each. Returns how many requests after the kill carried one of them.
    public int AssertSameAsAnUninterruptedRun(
        JobProgress done, JobResults results, int conversations, IReadOnlyList<FakeChatRequest> inFlight, int askedBeforeTheKill)
    {
        AssertEveryConversationFiledUnderItsTopic(done, results, conversations);

        var perConversation = Fake.ReceivedRequests.SelectMany(r => r.Conversations).GroupBy(c => c.Title).ToDictionary(g => g.Key, g => g.Count());
        var askedAgain = perConversation.Where(p => p.Value > 1).Select(p => p.Key).ToHashSet();
        Assert.Equal(conversations, perConversation.Count);
        Assert.All(perConversation.Values, n => Assert.InRange(n, 1, 2));
        Assert.Equal(TitlesIn(inFlight).Order(), askedAgain.Order());
        return Fake.ReceivedRequests.Skip(askedBeforeTheKill).Count(r => r.Conversations.Any(c => askedAgain.Contains(c.Title)));
    }

    public static HashSet<string> TitlesIn(IEnumerable<FakeChatRequest> requests) => [.. requests.SelectMany(r => r.Conversations).Select(c => c.Title)];

    // Kills app's process with SIGKILL once requestsPerLife more of its requests
    // (sentBy) have reached the fake, while answers flow freely, and starts it again on the same data
    // folder; kills times, or until jobEnded. Returns the instance left running.
    //
    // Other instances' new requests are held from each kill until app, started again, asks the model again: however
    // fast they are and however slowly app starts, they cannot finish the job while app is down.
    public async Task<AppProcess> KillAndRestartAsync(
        AppProcess app, IReadOnlyDictionary<string, string> settings, int kills, int requestsPerLife,
        Func<FakeChatRequest, bool> sentBy, Func<Task<bool>> jobEnded, List<Kill> killed)
    {
        for (var i = 0; i < kills; i++)
        {
            var before = Fake.ReceivedRequests.Count(sentBy);
            await EventuallyAsync(async () => Fake.ReceivedRequests.Count(sentBy) >= before + requestsPerLife || await jobEnded(), $"{requestsPerLife} more requests");
            if (await jobEnded()) break;
            var othersWait = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var othersHeld = 0;
            Fake.FaultRule = request =>
            {
                if (sentBy(request)) return null;
                Interlocked.Increment(ref othersHeld);
                return new FakeFault.Held(othersWait.Task);
            };
            try
            {
                var inFlight = Fake.InFlight;
                await app.KillAsync();
                killed.Add(new Kill(Fake.Requests, inFlight));
                var sentBeforeTheRestart = Fake.ReceivedRequests.Count(sentBy);
                await app.DisposeAsync();
                app = await AppProcess.StartAsync(settings);
                await EventuallyAsync(() => Task.FromResult(Volatile.Read(ref othersHeld) == 0 || Fake.ReceivedRequests.Count(sentBy) > sentBeforeTheRestart),
                    "the restarted instance to ask the model");
            }
            finally
            {
                Fake.FaultRule = null;
                othersWait.TrySetResult();
            }
        }
        return app;
    }

    // What the fake had received when an instance was killed: the requests so far, and how many it was still answering.
    public sealed record Kill(int RequestsSoFar, int InFlightAtTheFake);

    // Per kill, the prompts the killed instance (sentBy) had sent in the life that kill ended and that
    // were sent again afterwards: what the kill made the model pay for twice. Every prompt sent more than once is counted
    // against one kill, so the figures add up to all the repeats.
    public List<int> PromptsSentAgainAfterEachKill(IReadOnlyList<Kill> kills, Func<FakeChatRequest, bool> sentBy)
    {
        static string Prompt(FakeChatRequest request) => string.Join('\n', request.Conversations.Select(c => c.Title));
        var requests = Fake.ReceivedRequests.OrderBy(r => r.Number).ToList();
        var again = new List<int>();
        var lifeStart = 0;
        foreach (var kill in kills)
        {
            var sentInThatLife = requests.Where(r => sentBy(r) && r.Number > lifeStart && r.Number <= kill.RequestsSoFar).Select(Prompt).ToHashSet();
            again.Add(requests.Where(r => r.Number > kill.RequestsSoFar).Select(Prompt).Distinct().Count(sentInThatLife.Contains));
            lifeStart = kill.RequestsSoFar;
        }
        var repeats = requests.Count - requests.Select(Prompt).Distinct().Count();
        Assert.Equal(repeats, again.Sum());
        return again;
    }

    // The job ended as an uninterrupted run would have: every conversation filed once, under the topic its title names.
    public static void AssertEveryConversationFiledUnderItsTopic(JobProgress done, JobResults results, int conversations)
    {
        Assert.Equal((JobStatus.Done, conversations, 0), (done.Status, done.Categorized, done.Failed));
        var filed = results.Groups.SelectMany(g => g.Conversations).ToList();
        Assert.Equal(Enumerable.Range(0, conversations), filed.Select(c => c.Index).Order());
        Assert.All(filed, c => Assert.Equal((CategorizationStatus.Categorized, ExpectedCategory(c.Index)), (c.Status!.Value, c.Category)));
    }

    // A bearer session: it opens on any instance sharing the data folder's keys, and after a restart.
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

    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) =>
        Eventually.MatchesAsync(condition, done => done, Eventually.BackgroundWork, _ => $"waiting for {what}");

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
