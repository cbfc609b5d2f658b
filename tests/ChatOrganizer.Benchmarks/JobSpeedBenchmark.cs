using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ChatOrganizer.Benchmarks;

// job-speed: the whole job as a person waits for it, on the app as a real process (issue 14). For the JSON and
// the ZIP form of the same synthetic export: a bare Utf8JsonReader pass over the file (its own process), then
// upload to done through the API, with the phases (upload and check, reading and storing, categorizing), when a month
// or year job has prepared what it stores behind its results (transcripts, vectors, search rows: "prepared"; the viewer
// of the middle conversation asked for at done, "open@done", waits for its own), when every
// message is in the full-text index (searchable: found by the index, not by the scan of what it lacks), the app's
// peak resident memory until then, and how fast the results, the viewer and the downloads answer on the finished job.
// Targets: upload to done at most 8x the bare pass; reading and storing at least 10,000 conversations/s; peak < 300 MB.
internal static class JobSpeedBenchmark
{
    public static Command Command()
    {
        var command = new Command("job-speed", "The whole job through the API on the app as a process, each phase against a bare pass over the same file.");
        var exports = new ExportOptions(command);
        var runs = BenchOptions.Positive("--runs", "measurements per format, each on a fresh app; every run is printed, then the range", 2);
        var conversations = BenchOptions.Positive("--conversations", "conversations in the export (20000 is about 500 MB of JSON)", 20_000);
        var mode = BenchOptions.OneOf("--mode", "the job's grouping; topic runs the offline categorizer (no key)", "month", "month", "year", "topic");
        var format = BenchOptions.OneOf("--format", "which form of the export to upload", "both", "json", "zip", "both");
        var webDll = BenchOptions.Path("--web-dll", "another build of the app (another commit's ChatOrganizer.Web.dll) on the same export, for a before and after");
        var searchIndex = new Option<bool>("--search-index") { Description = "false: the app reads without the search index (Jobs__SearchIndex=false), to see the index's share", DefaultValueFactory = _ => true };
        var warm = new Option<bool>("--warm") { Description = "the data folder has the offline token vectors already (distilled by an app run before, not measured): the job's own peak, without the distilling a fresh folder starts" };
        foreach (var option in new Option[] { runs, conversations, mode, format, webDll, searchIndex, warm }) command.Add(option);
        command.SetAction(parsed => RunAsync(exports.Settings(parsed), parsed.GetValue(runs), parsed.GetValue(conversations), parsed.GetValue(mode)!, parsed.GetValue(format)!,
            parsed.GetValue(webDll), parsed.GetValue(searchIndex), parsed.GetValue(warm)));
        return command;
    }

    private static async Task<int> RunAsync(ReaderBenchmarkSettings settings, int runs, int conversations, string mode, string format, string? webDll, bool searchIndex, bool warm)
    {
        var export = await new ReaderBenchmarkExports(settings).EnsureAsync(conversations);
        var paths = format switch { "json" => [export.Json], "zip" => [export.Zip], _ => new[] { export.Json, export.Zip } };

        Console.WriteLine($"job-speed: {conversations} conversations by {mode}, {runs} runs per format, app as a process ({webDll ?? "this build"}, search index {searchIndex}, " +
            $"{(warm ? "token vectors already in the data folder" : "fresh data folder")}, {Environment.ProcessorCount} cores)");
        Console.WriteLine($"{"file",-6} {"MB",6} {"bare s",7} {"upload+check",13} {"read+store",11} {"conv/s",7} {"categorize",11} {"upload→done",12} {"ratio",6} {"open@done ms",13} {"prepared",9} {"searchable",11} {"peak MB",8} " +
            $"{"results ms",11} {"viewer ms",10} {"csv ms",7} {"json ms",8} {"zip ms",7}");
        var pass = true;
        foreach (var path in paths)
        {
            var measured = new List<JobSpeed>();
            for (var run = 0; run < runs; run++)
            {
                var bare = await ReaderBenchmark.RunChildAsync("bare", path);
                var speed = await MeasureJobAsync(path, mode, bare.Seconds, webDll, searchIndex, warm);
                measured.Add(speed);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{Path.GetExtension(path).TrimStart('.'),-6} {new FileInfo(path).Length / 1e6,6:0} {bare.Seconds,7:0.00} {speed.UploadAndCheck,13:0.00} {speed.ReadAndStore,11:0.00} " +
                    $"{speed.ConversationsPerSecond,7:0} {speed.Categorizing,11:0.00} {speed.UploadToDone,12:0.00} {speed.Ratio,6:0.0} {speed.OpenedAtDone,13:0} {speed.Prepared,9:0.00} {speed.Searchable,11:0.00} {speed.PeakBytes / 1048576.0,8:0} " +
                    $"{speed.Answers.Results,11:0} {speed.Answers.Viewer,10:0.0} {speed.Answers.Csv,7:0} {speed.Answers.Json,8:0} {speed.Answers.Transcripts,7:0}"));
                foreach (var timings in speed.ReadTimings) Console.WriteLine($"       read step: {timings}");
            }

            var name = Path.GetExtension(path).TrimStart('.');
            var ratios = measured.Select(m => m.Ratio).Order().ToList();
            var rates = measured.Select(m => m.ConversationsPerSecond).Order().ToList();
            var peak = measured.Max(m => m.PeakBytes) / 1048576.0;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: upload→done / bare pass {ratios[0]:0.0}-{ratios[^1]:0.0}x; reading and storing {rates[0]:0}-{rates[^1]:0} conversations/s; peak {peak:0} MB"));
            pass &= Verdict($"{name}: upload to done at best {ratios[0]:0.0}x the bare pass (target <= 8x)", ratios[0] <= 8);
            pass &= Verdict($"{name}: reading and storing at best {rates[^1]:0} conversations/s (target >= 10,000)", rates[^1] >= 10_000);
            pass &= Verdict($"{name}: peak resident memory {peak:0} MB (target < 300 MB)", peak < 300);
        }
        return pass ? 0 : 3;
    }

    private static async Task<JobSpeed> MeasureJobAsync(string path, string mode, double bareSeconds, string? webDll, bool searchIndex, bool warm)
    {
        var data = warm ? await WarmDataFolderAsync(webDll) : null;
        try
        {
            return await MeasureJobAsync(path, mode, bareSeconds, webDll, searchIndex, data);
        }
        finally
        {
            if (data is not null) Directory.Delete(data, recursive: true);
        }
    }

    // A data folder holding only the token vectors, as an app left them after distilling (it runs until their file is
    // written, then stops); the rest of what it wrote is deleted, so that the job starts on an empty database.
    private static async Task<string> WarmDataFolderAsync(string? webDll)
    {
        var data = Directory.CreateTempSubdirectory("chatorg-bench-warm-").FullName;
        var models = Path.Combine(data, "models");
        await using (var app = await AppRun.StartAsync(fake: null, webDll: webDll, dataDirectory: data))
        {
            var waited = Stopwatch.StartNew();
            while (!Directory.Exists(models) || Directory.GetFiles(models, "*.token-vectors.*.bin").Length == 0)
            {
                if (waited.Elapsed > TimeSpan.FromMinutes(10) || app.App.HasExited) throw new InvalidOperationException($"The app did not distil its token vectors: {app.App.Output}");
                await Task.Delay(250);
            }
        }
        foreach (var entry in Directory.GetFileSystemEntries(data).Where(e => e != models))
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else File.Delete(entry);
        }
        foreach (var file in Directory.GetFiles(models).Where(f => !f.Contains(".token-vectors.", StringComparison.Ordinal))) File.Delete(file);
        return data;
    }

    private static async Task<JobSpeed> MeasureJobAsync(string path, string mode, double bareSeconds, string? webDll, bool searchIndex, string? dataDirectory)
    {
        // The read step says where its time went at Debug (builds before issue 14 say nothing).
        await using var run = await AppRun.StartAsync(fake: null, webDll: webDll, dataDirectory: dataDirectory,
            settings: new Dictionary<string, string> { ["Logging__LogLevel__ChatOrganizer.Web.Jobs.ReadExportStep"] = "Debug", ["Jobs__SearchIndex"] = searchIndex ? "true" : "false" });
        // A server has usually run a job before: its one-time costs (JIT, EF query compilation) are not what a person waits for.
        var warmup = await run.UploadAsync(new ByteArrayContent(ChatOrganizer.Testing.Exports.ExportJson.AboutTopics(50, "Cooking", "Travel")), mode: mode);
        await run.WaitAsync(warmup, Ended, TimeSpan.FromMinutes(5), pollMilliseconds: 50);

        using var sampling = new CancellationTokenSource();
        long peak = 0;
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProgressLoadBenchmark.ResidentBytes(run.App.ProcessId, "VmRSS:"));
                await Task.Delay(50);
            }
        });

        var clock = Stopwatch.StartNew();
        string job;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            job = await run.UploadAsync(new StreamContent(file, 1 << 20), Path.GetFileName(path), mode);
        }
        var uploaded = clock.Elapsed.TotalSeconds;
        double? categorizingAt = null;
        var done = await run.WaitAsync(job, p =>
        {
            if (categorizingAt is null && p.GetProperty("status").GetString() == "categorizing") categorizingAt = clock.Elapsed.TotalSeconds;
            return Ended(p);
        }, TimeSpan.FromMinutes(30), pollMilliseconds: 50);
        var total = clock.Elapsed.TotalSeconds;
        if (done.GetProperty("status").GetString() != "done") throw new InvalidOperationException($"The job ended {done}.");
        // A person opening a conversation as soon as the results show: the middle one, which a month job is still preparing.
        var openedAtDone = await TimeAsync(run, $"/api/jobs/{job}/conversations/{done.GetProperty("read").GetInt32() / 2}");
        // Month and year jobs store their transcripts, vectors and search rows behind the results (Job.Prepared).
        await run.WaitAsync(job, p => p.TryGetProperty("prepared", out var prepared) is false || prepared.ValueKind != JsonValueKind.Number
            || prepared.GetInt32() >= p.GetProperty("read").GetInt32(), TimeSpan.FromMinutes(30), pollMilliseconds: 50);
        var preparedAt = clock.Elapsed.TotalSeconds;
        if (searchIndex) await run.WaitUntilIndexedAsync(TimeSpan.FromMinutes(30));
        var searchable = clock.Elapsed.TotalSeconds;
        await sampling.CancelAsync();
        await sampler;
        peak = Math.Max(peak, ProgressLoadBenchmark.ResidentBytes(run.App.ProcessId, "VmHWM:"));

        var read = done.GetProperty("read").GetInt32();
        var readEnd = categorizingAt ?? total;
        var answers = await MeasureAnswersAsync(run, job, mode, read);
        // The job's own read step: the warm-up job's came before it.
        var timings = run.App.Output.Split('\n').Where(line => line.Contains($"Job {job} read ", StringComparison.Ordinal) && line.Contains(" conversations: reading ", StringComparison.Ordinal))
            .Select(line => line[line.IndexOf("reading ", StringComparison.Ordinal)..].TrimEnd()).ToList();
        return new JobSpeed(uploaded, readEnd - uploaded, read / (readEnd - uploaded), total - readEnd, total, total / bareSeconds, openedAtDone, preparedAt, searchable, peak, answers, timings);
    }

    private static bool Ended(JsonElement progress) => progress.GetProperty("status").GetString() is "done" or "failed" or "cancelled";

    // The finished job as a person uses it: the results page's data, the viewer on conversations across the export,
    // and the three downloads read to their end. Milliseconds; the viewer's is the median of 50 conversations.
    private static async Task<Answers> MeasureAnswersAsync(AppRun run, string job, string mode, int conversations)
    {
        var groupBy = mode == "topic" ? "topic" : mode;
        var results = await TimeAsync(run, $"/api/jobs/{job}/results?groupBy={groupBy}");
        var viewer = new List<double>();
        for (var i = 0; i < 50; i++) viewer.Add(await TimeAsync(run, $"/api/jobs/{job}/conversations/{(long)i * (conversations - 1) / 49}"));
        viewer.Sort();
        return new Answers(results, viewer[viewer.Count / 2],
            await TimeAsync(run, $"/jobs/{job}/download.csv"),
            await TimeAsync(run, $"/jobs/{job}/download.json"),
            await TimeAsync(run, $"/jobs/{job}/transcripts.zip"));
    }

    private static async Task<double> TimeAsync(AppRun run, string url)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await run.Client.GetAsync(new Uri(url, UriKind.Relative), HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        await body.CopyToAsync(Stream.Null);
        return Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }

    private static bool Verdict(string line, bool met)
    {
        Console.WriteLine($"{(met ? "met   " : "MISSED")} {line}");
        return met;
    }

    private sealed record Answers(double Results, double Viewer, double Csv, double Json, double Transcripts);

    // ReadAndStore: From the upload's answer to categorizing (topic) or done: the read step, queueing included.
    private sealed record JobSpeed(
        double UploadAndCheck, double ReadAndStore, double ConversationsPerSecond, double Categorizing, double UploadToDone, double Ratio, double OpenedAtDone, double Prepared, double Searchable,
        long PeakBytes, Answers Answers, IReadOnlyList<string> ReadTimings);
}
