using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Benchmarks;

// search (issue 12): a ~500 MB export of 20,000 conversations read by a month job on the app as a process,
// once with the search index and once without (Jobs__SearchIndex=false, same run), a few searches right after the read
// (the rows the index does not reach yet are scanned) and how long the index takes to catch up, then, indexed,
// GET /api/search over it: English words (common, rare, two at once, absent), a Korean two-syllable word, a
// Chinese word and a longer Korean one, found in a small second export of Korean and Chinese conversations in the
// same session (the generated export is all English). Target: median under 100 ms.
internal static class SearchBenchmark
{
    private static readonly string[] Queries =
        ["python", "budget", "pipeline dependency", "the", "marathon recovery", "zzqxv", "주식", "投资", "주식투자", "AI"];

    private const string ReadMarker = "bench-search-read";

    public static Command Command()
    {
        var command = new Command("search", "A month job read with and without the search index, then GET /api/search's median and p95 over it.");
        var exports = new ExportOptions(command);
        var conversations = BenchOptions.Positive("--conversations", "conversations in the export (20000 is about 500 MB of JSON)", 20_000);
        var repeats = BenchOptions.Positive("--repeats", "times each query is asked", 20);
        var data = BenchOptions.Path("--data", "keep the app's data folder there; a later run with the same folder only asks the queries");
        var noBaseline = new Option<bool>("--no-baseline") { Description = "skip the read without the index" };
        var postgres = new Option<string?>("--postgres") { Description = "the app on this PostgreSQL database (scale-out mode) instead of its SQLite file", HelpName = "CS" };
        foreach (var option in new Option[] { conversations, repeats, data, noBaseline, postgres }) command.Add(option);
        command.SetAction(parsed => RunAsync(exports.Settings(parsed), parsed.GetValue(conversations), parsed.GetValue(repeats),
            parsed.GetValue(data), parsed.GetValue(noBaseline), parsed.GetValue(postgres)));
        return command;
    }

    private static async Task<int> RunAsync(ReaderBenchmarkSettings settings, int conversations, int repeats, string? data, bool noBaseline, string? postgres)
    {
        var export = (await new ReaderBenchmarkExports(settings).EnsureAsync(conversations)).Json;
        Console.WriteLine($"search: {conversations} conversations ({new FileInfo(export).Length / 1e6:0} MB), month jobs, app as a process ({Environment.ProcessorCount} cores, load {Load()})");

        var storage = postgres is not null
            ? new Dictionary<string, string> { ["Storage__PostgresConnectionString"] = postgres }
            : new Dictionary<string, string>();
        var readAlready = data is not null && File.Exists(Path.Combine(data, ReadMarker));
        double? withoutIndex = null;
        if (!readAlready && !noBaseline)
        {
            await using var baseline = await AppRun.StartAsync(fake: null, settings: new Dictionary<string, string>(storage) { ["Jobs__SearchIndex"] = "false" });
            withoutIndex = await ReadAsync(baseline, export);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"read step without the index: {withoutIndex:0.0} s"));
        }

        await using var run = await AppRun.StartAsync(fake: null, settings: storage, dataDirectory: data);
        if (readAlready)
        {
            Console.WriteLine($"read already in {data}: queries only");
        }
        else
        {
            var withIndex = await ReadAsync(run, export);
            // What a person who searches as soon as the job is done waits for: the scan of the rows the index lacks.
            var clock = Stopwatch.StartNew();
            foreach (var query in new[] { "python", "pipeline dependency", "zzqxv" })
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await run.Client.GetAsync(new Uri($"/api/search?q={Uri.EscapeDataString(query)}", UriKind.Relative));
                using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"right after the read, {query}: {Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms, {answer.RootElement.GetProperty("hits").GetArrayLength()} hits, {(answer.RootElement.TryGetProperty("pending", out var pending) ? pending.GetInt32() : 0)} messages not indexed yet"));
            }
            await run.WaitUntilIndexedAsync(TimeSpan.FromMinutes(30));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"indexed {clock.Elapsed.TotalSeconds:0.0} s after the read step ended"));
            var databaseMb = Directory.GetFiles(run.DataDirectory, "*.db*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length) / 1e6;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"read step with the index:    {withIndex:0.0} s{(withoutIndex is { } without ? $" = {withIndex / without:0.00}x" : "")}; database {databaseMb:0} MB"));
            await ReadAsync(run, WriteCjkExport());
            await run.WaitUntilIndexedAsync(TimeSpan.FromMinutes(30));
            if (data is not null) await File.WriteAllTextAsync(Path.Combine(data, ReadMarker), export);
        }

        Console.WriteLine($"{"query",-34} {"hits",5} {"median ms",10} {"p95 ms",8}");
        var all = new List<double>();
        var firstHits = new Dictionary<string, JsonElement>();
        async Task AskAsync(string label, string query)
        {
            var url = new Uri($"/api/search?q={query}", UriKind.Relative);
            var hits = 0;
            var times = new List<double>();
            for (var i = 0; i <= repeats; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await run.Client.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                response.EnsureSuccessStatusCode();
                var found = JsonDocument.Parse(body).RootElement.GetProperty("hits");
                hits = found.GetArrayLength();
                if (hits > 0) firstHits[label] = found[0].Clone();
                if (i > 0) times.Add(elapsed); // the first asks of each query warm its pages in
            }
            times.Sort();
            all.AddRange(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{label,-34} {hits,5} {times[times.Count / 2],10:0.0} {Percentile.Of([.. times], 0.95),8:0.0}"));
        }
        foreach (var query in Queries) await AskAsync(query, Uri.EscapeDataString(query));

        // With filters, taken from what the words found: a conversation's model, month and category, the English job and
        // the small CJK one (where "the" is nowhere: every English match is passed over).
        var english = firstHits["python"];
        var cjkJob = firstHits["주식"].GetProperty("jobId").GetString()!;
        var englishJob = english.GetProperty("jobId").GetString()!;
        var month = english.GetProperty("createTime").GetDateTime().ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var filtered = new List<(string Label, string Query)>
        {
            ("python, month " + month, $"python&month={month}"),
            ("the, job (English)", $"the&job={englishJob}"),
            ("the, job (CJK)", $"the&job={cjkJob}"),
            ("주식, job (English)", $"{Uri.EscapeDataString("주식")}&job={englishJob}"),
        };
        if (english.TryGetProperty("model", out var model) && model.GetString() is { } modelName) filtered.Add(("budget, model " + modelName, $"budget&model={Uri.EscapeDataString(modelName)}"));
        if (english.TryGetProperty("category", out var category) && category.GetString() is { } categoryName) filtered.Add(("pipeline, category " + categoryName, $"pipeline&category={Uri.EscapeDataString(categoryName)}"));
        foreach (var (label, query) in filtered) await AskAsync(label, query);
        all.Sort();
        var median = all[all.Count / 2];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"all queries: median {median:0.0} ms, p95 {Percentile.Of([.. all], 0.95):0.0} ms; load {Load()}"));
        var met = median < 100;
        Console.WriteLine($"{(met ? "met   " : "MISSED")} median under 100 ms");
        return met ? 0 : 3;
    }

    private static async Task<double> ReadAsync(AppRun run, string path)
    {
        var clock = Stopwatch.StartNew();
        string job;
        await using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20))
        {
            job = await run.UploadAsync(new StreamContent(file, 1 << 20), Path.GetFileName(path), "month");
        }
        var uploaded = clock.Elapsed.TotalSeconds;
        var done = await run.WaitAsync(job, p => p.GetProperty("status").GetString() is "done" or "failed" or "cancelled", TimeSpan.FromMinutes(30), pollMilliseconds: 100);
        if (done.GetProperty("status").GetString() != "done") throw new InvalidOperationException($"The job ended {done}.");
        return clock.Elapsed.TotalSeconds - uploaded;
    }

    // 500 conversations in Korean and Chinese, the words the queries look for inside longer ones.
    private static string WriteCjkExport()
    {
        var conversations = new JsonArray();
        for (var i = 0; i < 500; i++)
        {
            conversations.Add(i % 2 == 0
                ? ExportJson.Conversation($"ko-{i}", $"주식 질문 {i}", "주식투자에서 분산은 왜 중요한가요? 장기 투자도 궁금합니다.", "위험을 줄이기 때문입니다. 지수 펀드를 살펴보세요.")
                : ExportJson.Conversation($"zh-{i}", $"理财 {i}", "我想学习投资理财，应该从哪里开始？", "可以先了解指数基金和长期投资。"));
        }
        var path = Path.Combine(Path.GetTempPath(), $"chatorg-search-cjk-{Environment.ProcessId}.json");
        File.WriteAllText(path, conversations.ToJsonString());
        return path;
    }

    private static string Load() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Split(' ')[0] : "?";
}
