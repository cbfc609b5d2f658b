using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Testing.Processes;

namespace ChatOrganizer.Benchmarks;

// The jobs' two figures, measured on the app as a real process with the fake model on loopback:
// jobs-progress: progress-endpoint latency at a fixed request rate while a job runs (target p99 < 20 ms at 200/s);
// jobs-memory: the app's peak resident memory from upload to the last result (target < 300 MB for 500 MB).
internal static class ProgressLoadBenchmark
{
    public static Command ProgressCommand()
    {
        var command = new Command("jobs-progress", "Progress-endpoint latency at a fixed request rate while a job runs.");
        var rate = BenchOptions.Positive("--rate", "progress requests per second", 200);
        var seconds = BenchOptions.Positive("--seconds", "how long to poll", 20);
        var latency = BenchOptions.Positive("--latency-ms", "the fake model's latency per request", 200);
        var conversations = BenchOptions.Positive("--conversations", "conversations in the job", 5000);
        foreach (var option in new[] { rate, seconds, latency, conversations }) command.Add(option);
        command.SetAction(parsed => RunProgressAsync(parsed.GetValue(rate), parsed.GetValue(seconds), parsed.GetValue(latency), parsed.GetValue(conversations)));
        return command;
    }

    public static Command MemoryCommand()
    {
        var command = new Command("jobs-memory", "The app's peak resident memory from upload to the last result.");
        var export = BenchOptions.Path("--export", "the export to upload (gen_export.py)", required: true);
        // discover holds every digest and vector of the job at once, to cluster them: the most memory a job takes.
        var mode = BenchOptions.OneOf("--mode", "the job's grouping", "topic", "topic", "month", "year", "discover");
        command.Add(export);
        command.Add(mode);
        command.SetAction(parsed => RunMemoryAsync(parsed.GetValue(export)!, parsed.GetValue(mode)!));
        return command;
    }

    private static async Task<int> RunProgressAsync(int rate, int seconds, int latencyMs, int conversations)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(latencyMs);
        await using var run = await AppRun.StartAsync(fake);

        // A server has usually run a job before: the first one's one-time costs (JIT, EF query compilation) are not the steady state.
        var warmup = await run.UploadAsync(new ByteArrayContent(ExportJson.AboutTopics(200, "Cooking", "Travel", "Music")));
        await run.WaitAsync(warmup, p => p.GetProperty("status").GetString() == "done", TimeSpan.FromMinutes(5));

        var job = await run.UploadAsync(new ByteArrayContent(ExportJson.AboutTopics(conversations, "Cooking", "Travel", "Music")));
        await run.WaitAsync(job, p => p.GetProperty("status").GetString() == "categorizing", TimeSpan.FromMinutes(5));

        // Open loop: requests start on schedule whether or not earlier ones have answered, so a slow answer
        // cannot hide by slowing the load down. Bounded: rate × seconds requests, then it stops.
        var total = rate * seconds;
        var latencies = new double[total];
        var failures = 0;
        var clock = Stopwatch.StartNew();
        var requests = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed);
            var slot = i;
            requests.Add(Task.Run(async () =>
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await run.Client.GetAsync(new Uri($"/api/jobs/{job}", UriKind.Relative));
                latencies[slot] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode) Interlocked.Increment(ref failures);
            }));
        }
        await Task.WhenAll(requests);
        var elapsed = clock.Elapsed.TotalSeconds;
        var progress = await run.ProgressAsync(job);

        Array.Sort(latencies);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"progress endpoint: {total} requests at {rate}/s over {elapsed:0.0} s ({total / elapsed:0} held), {failures} failed; " +
            $"p50 {Percentile.Of(latencies, 0.50):0.00} ms, p99 {Percentile.Of(latencies, 0.99):0.00} ms, max {latencies[^1]:0.00} ms; " +
            $"job meanwhile {progress.GetProperty("status").GetString()} at {progress.GetProperty("categorized").GetInt32()} categorized"));
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> RunMemoryAsync(string export, string mode)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        await using var run = await AppRun.StartAsync(fake);

        using var sampling = new CancellationTokenSource();
        long peakRss = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peakRss = Math.Max(peakRss, ResidentBytes(run.App.ProcessId, "VmRSS:"));
                await Task.Delay(50);
            }
        });

        var clock = Stopwatch.StartNew();
        await using var file = File.OpenRead(export);
        var job = await run.UploadAsync(new StreamContent(file), Path.GetFileName(export), mode);
        var uploaded = clock.Elapsed;
        JsonElement done;
        try
        {
            done = await run.WaitAsync(job, p => p.GetProperty("status").GetString() is "done" or "failed" or "cancelled", TimeSpan.FromMinutes(60));
        }
        catch (HttpRequestException)
        {
            // The app went away: what it said last is why.
            Console.Error.WriteLine($"The app stopped answering (peak RSS sampled {peakRss / 1048576.0:0} MB); its last output:\n{string.Join('\n', run.App.Output.Split('\n').TakeLast(40))}");
            throw;
        }
        await sampling.CancelAsync();
        await sampler;
        var highWater = ResidentBytes(run.App.ProcessId, "VmHWM:");
        // What the resident memory is at the end: the heaps, the mapped assemblies, and JIT-compiled code (shared memory, W^X).
        var (anon, files, code) = (ResidentBytes(run.App.ProcessId, "RssAnon:"), ResidentBytes(run.App.ProcessId, "RssFile:"), ResidentBytes(run.App.ProcessId, "RssShmem:"));

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {new FileInfo(export).Length / 1048576.0:0} MB export by {mode}, {done.GetProperty("status").GetString()}, " +
            $"{done.GetProperty("categorized").GetInt32()} categorized / {done.GetProperty("failed").GetInt32()} failed, " +
            $"upload {uploaded.TotalSeconds:0.0} s, total {clock.Elapsed.TotalSeconds:0.0} s; " +
            $"peak RSS {Math.Max(peakRss, highWater) / 1048576.0:0} MB (sampled {peakRss / 1048576.0:0} MB, kernel high-water {highWater / 1048576.0:0} MB); " +
            $"at the end {anon / 1048576.0:0} MB anonymous, {files / 1048576.0:0} MB files, {code / 1048576.0:0} MB JIT code"));
        return 0;
    }

    internal static long ResidentBytes(int pid, string field)
    {
        var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
    }
}
