using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;

namespace ChatOrganizer.Benchmarks;

// load: concurrent uploads and progress polls from many sessions at fixed rates, against the app as a real
// process with its rate limits as configured. Reports the throughput it held, p50/p99 latency of accepted and of
// limited answers, and checks that past the limits the server answers 429 with Retry-After, never an error.
internal static class LoadBenchmark
{
    public static Command Command()
    {
        var command = new Command("load", "Uploads and polls from many sessions against the real rate limiter.");
        var seconds = BenchOptions.Positive("--seconds", "how long to run", 20);
        var pollRate = BenchOptions.Positive("--poll-rate", "progress polls per second, over all sessions", 200);
        var uploadRate = BenchOptions.Positive("--upload-rate", "uploads per second", 2);
        var sessions = BenchOptions.Positive("--sessions", "sessions taking turns", 10);
        foreach (var option in new[] { seconds, pollRate, uploadRate, sessions }) command.Add(option);
        command.SetAction(parsed => RunAsync(parsed.GetValue(seconds), parsed.GetValue(pollRate), parsed.GetValue(uploadRate), parsed.GetValue(sessions)));
        return command;
    }

    private static async Task<int> RunAsync(int seconds, int pollRate, int uploadRate, int sessionCount)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(200);
        await using var run = await AppRun.StartAsync(fake, limited: true);

        // Each session starts with a job of its own to poll.
        var export = ExportJson.AboutTopics(50, "Cooking", "Travel", "Music");
        var sessions = new List<(HttpClient Client, string Job)>();
        for (var i = 0; i < sessionCount; i++)
        {
            var client = await run.NewSessionAsync();
            sessions.Add((client, await AppRun.UploadAsync(client, new ByteArrayContent(export))));
        }

        var polls = new Tally("progress polls");
        var uploads = new Tally("uploads");
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>();
        // Open loop on one schedule: each request starts when it is due, whatever earlier ones are doing.
        var schedule = Enumerable.Range(0, pollRate * seconds).Select(i => (Due: (double)i / pollRate, Upload: false))
            .Concat(Enumerable.Range(0, uploadRate * seconds).Select(i => (Due: (double)i / uploadRate, Upload: true)))
            .OrderBy(r => r.Due)
            .ToList();
        for (var i = 0; i < schedule.Count; i++)
        {
            var (due, upload) = schedule[i];
            var wait = TimeSpan.FromSeconds(due) - clock.Elapsed;
            if (wait > TimeSpan.Zero) await Task.Delay(wait);
            var (client, job) = sessions[i % sessions.Count];
            requests.Add(upload
                ? uploads.TimeAsync(() => client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(export)))
                : polls.TimeAsync(() => client.GetAsync(new Uri($"/api/jobs/{job}", UriKind.Relative))));
        }
        await Task.WhenAll(requests);
        var elapsed = clock.Elapsed.TotalSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {seconds} s offered at {pollRate} polls/s and {uploadRate} uploads/s from {sessionCount} sessions on one address; took {elapsed:0.0} s"));
        polls.Report(elapsed);
        uploads.Report(elapsed);
        foreach (var (client, _) in sessions) client.Dispose();

        var sound = polls.Sound && uploads.Sound;
        Console.WriteLine(sound
            ? "limiter: every answer was 2xx or 429 with Retry-After; no errors."
            : "limiter: FAILED: some answers were errors, or 429 without Retry-After (see above).");
        return sound ? 0 : 1;
    }

    private static MultipartFormDataContent Form(byte[] export) =>
        new() { { new ByteArrayContent(export), "file", "conversations.json" }, { new StringContent("month"), "mode" } };

    private sealed class Tally(string name)
    {
        private readonly ConcurrentBag<(HttpStatusCode? Status, double Milliseconds, bool RetryAfter)> _answers = [];

        public bool Sound => _answers.All(a => a.Status is { } s && ((int)s < 300 || (s == HttpStatusCode.TooManyRequests && a.RetryAfter)));

        public async Task TimeAsync(Func<Task<HttpResponseMessage>> send)
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await send();
                _answers.Add((response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, response.Headers.RetryAfter is not null));
            }
            catch (HttpRequestException)
            {
                _answers.Add((null, Stopwatch.GetElapsedTime(started).TotalMilliseconds, false));
            }
        }

        public void Report(double seconds)
        {
            var accepted = Latencies(a => a.Status is { } s && (int)s < 300);
            var limited = Latencies(a => a.Status == HttpStatusCode.TooManyRequests);
            var errors = _answers.Count(a => a.Status is null || ((int)a.Status >= 300 && a.Status != HttpStatusCode.TooManyRequests));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: {_answers.Count} sent, {accepted.Length} accepted ({accepted.Length / seconds:0.0}/s held), " +
                $"{limited.Length} limited (429), {errors} errors; accepted p50 {Percentile.Of(accepted, 0.5):0.0} ms p99 {Percentile.Of(accepted, 0.99):0.0} ms; " +
                $"429 p50 {Percentile.Of(limited, 0.5):0.0} ms p99 {Percentile.Of(limited, 0.99):0.0} ms; " +
                $"answered {_answers.Count / seconds:0.0}/s"));
        }

        private double[] Latencies(Func<(HttpStatusCode? Status, double Milliseconds, bool RetryAfter), bool> which)
        {
            var latencies = _answers.Where(which).Select(a => a.Milliseconds).ToArray();
            Array.Sort(latencies);
            return latencies;
        }
    }
}
