using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.FakeOpenAi;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Benchmarks;

// `bench categorize --export X.json [--labels L.json] [--latency-ms 300] [--batch-size 20] [--concurrency 4]
//                   [--fail-rate 0.2] [--seed 1] [--accuracy-only]`
// Make the inputs with: python3 gen_export.py --conversations 2000 --out X.json --labels L.json
// Offline accuracy is compared with always picking the largest class; the engine's requests and wall time with the
// ideal for the same fake latency (requests x latency / concurrency), measured in this run.
internal static class CategorizationBenchmark
{
    private static OfflineEngine Engine => OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));

    public static async Task<int> RunAsync(string[] args)
    {
        var settings = BenchSettings.Parse(args);
        if (settings is null)
        {
            Console.Error.WriteLine("usage: bench categorize --export X.json [--labels L.json] [--latency-ms 300] [--batch-size 20] " +
                "[--concurrency 4] [--fail-rate 0.2] [--seed 1] [--accuracy-only]");
            return 1;
        }

        var digests = await ReadDigestsAsync(settings.Export);
        Console.WriteLine($"{digests.Count:N0} conversations from {settings.Export}");
        var passed = true;
        if (settings.Labels is not null) passed &= await MeasureAccuracyAsync(digests, settings.Labels);
        if (!settings.AccuracyOnly) passed &= await MeasureModelRunsAsync(digests, settings);
        Console.WriteLine(passed ? "all targets met" : "SOME TARGETS MISSED");
        return passed ? 0 : 2;
    }

    private static async Task<List<ConversationDigest>> ReadDigestsAsync(string path)
    {
        var builder = new DigestBuilder();
        var digests = new List<ConversationDigest>();
        await using var reader = await ExportReader.OpenAsync(path);
        await foreach (var conversation in reader.ReadConversationsAsync()) digests.Add(builder.Build(conversation));
        return digests;
    }

    private static async Task<bool> MeasureAccuracyAsync(IReadOnlyList<ConversationDigest> digests, string labelsPath)
    {
        await using var stream = File.OpenRead(labelsPath);
        var labels = await JsonSerializer.DeserializeAsync<Dictionary<string, string>>(stream) ?? [];
        var labelled = digests.Where(d => labels.ContainsKey(d.ConversationId)).ToList();
        var majority = labelled.GroupBy(d => labels[d.ConversationId]).Max(g => g.Count()) / (double)labelled.Count;

        double Accuracy(CategorySet set)
        {
            var offline = new OfflineCategorizer(set, Engine);
            var assignments = offline.Categorize(labelled);
            return labelled.Where((d, i) => assignments[i].Category == labels[d.ConversationId]).Count() / (double)labelled.Count;
        }
        var withKeywords = Accuracy(CategorySet.Default);
        var namesOnly = Accuracy(CategorySet.Default with
        {
            Categories = [.. CategorySet.Default.Categories.Select(c => c with { Keywords = null })],
        });

        Console.WriteLine();
        Console.WriteLine($"offline accuracy ({labelled.Count:N0} labelled conversations)");
        Report("default set with keywords", $"{withKeywords:P1}", $"majority class {majority:P1}", withKeywords > majority);
        Report("names and descriptions only", $"{namesOnly:P1}", $"majority class {majority:P1}", namesOnly > majority);
        return withKeywords > majority;
    }

    private static async Task<bool> MeasureModelRunsAsync(IReadOnlyList<ConversationDigest> digests, BenchSettings settings)
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.Latency = TimeSpan.FromMilliseconds(settings.LatencyMs);
        var options = new CategorizationOptions
        {
            ApiKey = "sk-bench",
            BaseUrl = fake.BaseUrl.ToString(),
            BatchSize = settings.BatchSize,
            MaxConcurrency = settings.Concurrency,
        };
        var cache = new InMemoryCategorizationCache();
        var categorizer = new BatchCategorizer(Options.Create(options), cache);
        var passed = true;

        // Warm-up: the first request pays for JIT and connection set-up, which no steady run does.
        await RunAsync(new BatchCategorizer(Options.Create(options), new InMemoryCategorizationCache()), digests.Take(1).ToList());
        var warmUp = fake.Requests;

        Console.WriteLine();
        Console.WriteLine($"against the fake: {settings.LatencyMs} ms per request, batch {settings.BatchSize}, concurrency {settings.Concurrency}");
        var estimate = await categorizer.EstimateAsync(digests, CategorySet.Default);
        var clean = await RunAsync(categorizer, digests);
        var requests = fake.Requests - warmUp;
        var allowedRequests = Math.Ceiling(digests.Count / (double)settings.BatchSize) * 1.05;
        var ideal = TimeSpan.FromMilliseconds(requests * settings.LatencyMs / (double)settings.Concurrency);
        passed &= Report("requests", $"{requests:N0}", $"at most {allowedRequests:N0} (ceil(n/batch) x 1.05); estimate said {estimate.Requests:N0}",
            requests <= allowedRequests);
        passed &= Report("wall time", $"{clean.Wall.TotalSeconds:N2} s", $"ideal {ideal.TotalSeconds:N2} s, ratio {clean.Wall / ideal:N2} (at most 1.30)",
            clean.Wall <= ideal * 1.3);
        passed &= Report("every conversation once", $"{clean.Categorized:N0} categorized, {clean.Failed:N0} failed, {clean.Duplicates:N0} duplicated",
            $"{digests.Count:N0}", clean.Categorized == digests.Count && clean.Duplicates == 0);

        var meanDigest = digests.Average(d => d.Tokens);
        var meanInput = clean.Usage.InputTokens / (double)digests.Count;
        passed &= Report("mean input tokens per conversation", $"{meanInput:N0} (digest alone {meanDigest:N0})",
            $"budget {options.DigestTokenBudget:N0}; estimate said {estimate.InputTokens / (double)digests.Count:N0}", meanInput < options.DigestTokenBudget);
        Report("cost of this run at gpt-4o-mini prices", $"${clean.Usage.CostUsd:N4}", $"estimate said ${estimate.CostUsd:N4}", true);
        Console.WriteLine($"       (the replaced tool, 25 per request one at a time, would take {Math.Ceiling(digests.Count / 25.0) * settings.LatencyMs / 1000:N1} s at this latency: computed, not run)");

        var before = fake.Requests;
        var second = await RunAsync(categorizer, digests);
        passed &= Report("second run of the same export", $"{fake.Requests - before:N0} requests", "0",
            fake.Requests == before && second.Categorized == digests.Count);

        // Faults: one request in five fails, as 429 with Retry-After, 500, or an answer slower than the timeout.
        var random = new Random(settings.Seed);
        var randomLock = new Lock();
        fake.FaultRule = _ =>
        {
            lock (randomLock)
            {
                if (random.NextDouble() >= settings.FailRate) return null;
                return random.Next(3) switch
                {
                    0 => new FakeFault.RateLimited(TimeSpan.FromSeconds(1)),
                    1 => new FakeFault.ServerError(500),
                    _ => new FakeFault.Slow(TimeSpan.FromSeconds(30)),
                };
            }
        };
        options.RequestTimeout = TimeSpan.FromSeconds(2);
        before = fake.Requests;
        var faulty = await RunAsync(new BatchCategorizer(Options.Create(options), new InMemoryCategorizationCache()), digests);
        Console.WriteLine($"with {settings.FailRate:P0} of requests failing (request timeout {options.RequestTimeout.TotalSeconds:N0} s):");
        passed &= Report("every conversation categorized once",
            $"{faulty.Categorized:N0} categorized, {faulty.Failed:N0} failed, {faulty.Missing:N0} lost, {faulty.Duplicates:N0} duplicated",
            $"{digests.Count:N0}, 0, 0, 0", faulty.Categorized == digests.Count && faulty.Missing == 0 && faulty.Duplicates == 0);
        Report("requests and retries", $"{fake.Requests - before:N0} requests, {faulty.Usage.Retries:N0} retries",
            $"wall {faulty.Wall.TotalSeconds:N1} s", true);
        return passed;

        async Task<RunResult> RunAsync(BatchCategorizer engine, IReadOnlyList<ConversationDigest> input)
        {
            var run = new CategorizationRun();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            int categorized = 0, failed = 0, duplicates = 0;
            var clock = Stopwatch.StartNew();
            await foreach (var batch in engine.CategorizeAsync(input, CategorySet.Default, run))
            {
                foreach (var assignment in batch.Assignments)
                {
                    if (!seen.Add(assignment.ConversationId)) duplicates++;
                    if (assignment.Status == CategorizationStatus.Categorized) categorized++;
                    else failed++;
                }
            }
            var missing = input.Count(d => !seen.Contains(d.ConversationId));
            return new RunResult(clock.Elapsed, categorized, failed, duplicates, missing, run.Telemetry.Snapshot());
        }
    }

    private static bool Report(string what, string measured, string against, bool met)
    {
        Console.WriteLine($"  {(met ? "ok  " : "MISS")} {what}: {measured}{(against.Length > 0 ? $"  vs  {against}" : "")}");
        return met;
    }

    private sealed record RunResult(TimeSpan Wall, int Categorized, int Failed, int Duplicates, int Missing, CategorizationUsage Usage);

    private sealed record BenchSettings(
        string Export, string? Labels, int LatencyMs, int BatchSize, int Concurrency, double FailRate, int Seed, bool AccuracyOnly)
    {
        public static BenchSettings? Parse(string[] args)
        {
            string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
            int Int(string name, int fallback) => int.TryParse(Value(name), CultureInfo.InvariantCulture, out var v) ? v : fallback;
            var export = Value("--export");
            return export is null
                ? null
                : new BenchSettings(export, Value("--labels"), Int("--latency-ms", 300), Int("--batch-size", 20), Int("--concurrency", 4),
                    double.TryParse(Value("--fail-rate"), CultureInfo.InvariantCulture, out var rate) ? rate : 0.2, Int("--seed", 1),
                    args.Contains("--accuracy-only"));
        }
    }
}
