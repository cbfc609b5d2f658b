using System.CommandLine;
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
//                   [--fail-rate 0.2] [--seed 1] [--accuracy-only] [--profiles gpt-4,azure,...]`
// Make the inputs with: python3 gen_export.py --conversations 2000 --out X.json --labels L.json
// Offline accuracy is compared with always picking the largest class; the engine's requests and wall time with the
// ideal for the same fake latency (requests x latency / concurrency), measured in this run, for each model and
// endpoint profile: requests (refused discovery included), wall time, faults, and tokens against what the fake received.
internal static class CategorizationBenchmark
{
    private static OfflineEngine Engine => OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));

    public static Command Command()
    {
        var command = new Command("categorize", "Offline accuracy against always-the-largest-class, and the model engine against the fake for each model and endpoint profile.");
        var export = BenchOptions.Path("--export", "the export to categorize (gen_export.py --out X.json --labels L.json)", required: true);
        var labels = BenchOptions.Path("--labels", "ground-truth topics from gen_export.py --labels, for the offline accuracy");
        var latency = BenchOptions.Positive("--latency-ms", "the fake's latency per request", 300);
        var batchSize = BenchOptions.Positive("--batch-size", "conversations per request", 20);
        var concurrency = BenchOptions.Positive("--concurrency", "requests at once", 4);
        var failRate = new Option<double>("--fail-rate") { Description = "share of requests the fake fails", DefaultValueFactory = _ => 0.2 };
        failRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or >= 1) result.AddError("--fail-rate takes a share from 0 up to 1, such as 0.2.");
        });
        var seed = new Option<int>("--seed") { Description = "seed of the injected faults", DefaultValueFactory = _ => 1 };
        var accuracyOnly = new Option<bool>("--accuracy-only") { Description = "only the offline accuracy" };
        var profiles = new Option<string?>("--profiles") { Description = "only the profiles whose names contain one of these, comma-separated (gpt-4,azure,...)" };
        foreach (var option in new Option[] { export, labels, latency, batchSize, concurrency, failRate, seed, accuracyOnly, profiles }) command.Add(option);
        command.SetAction(parsed => RunAsync(new BenchSettings(
            parsed.GetValue(export)!, parsed.GetValue(labels), parsed.GetValue(latency), parsed.GetValue(batchSize), parsed.GetValue(concurrency),
            parsed.GetValue(failRate), parsed.GetValue(seed), parsed.GetValue(accuracyOnly),
            parsed.GetValue(profiles)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))));
        return command;
    }

    private static async Task<int> RunAsync(BenchSettings settings)
    {
        var conversations = await ReadConversationsAsync(settings.Export);
        Console.WriteLine($"{conversations.Count:N0} conversations from {settings.Export}");
        var passed = true;
        if (settings.Labels is not null) passed &= await MeasureAccuracyAsync([.. conversations.Select(new DigestBuilder().Build)], settings.Labels);
        if (!settings.AccuracyOnly) passed &= await MeasureModelRunsAsync(conversations, settings);
        Console.WriteLine(passed ? "all targets met" : "SOME TARGETS MISSED");
        return passed ? 0 : 2;
    }

    private static async Task<List<Conversation>> ReadConversationsAsync(string path)
    {
        var conversations = new List<Conversation>();
        await using var reader = await ExportReader.OpenAsync(path);
        await foreach (var conversation in reader.ReadConversationsAsync()) conversations.Add(conversation);
        return conversations;
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

    // Each model and endpoint a person picks, as the fake speaks it: how the dialect is reached, which modes it
    // refuses on the way (one refused request at most per run), whether it reports usage.
    private sealed record Profile(string Name, string Model, FakeDialect Dialect, int RefusedModes, bool Deployment = false, bool Legacy = false)
    {
        public static readonly Profile[] All =
        [
            new("OpenAI gpt-4o-mini", "gpt-4o-mini", FakeDialect.OpenAi, 0),
            new("OpenAI gpt-4", "gpt-4", FakeDialect.OpenAi, 1),
            new("OpenAI o4-mini (reasoning)", "o4-mini", FakeDialect.OpenAi, 0),
            new("Azure v1 gpt-4o", "gpt-4o", FakeDialect.Azure, 0),
            new("Azure deployment gpt-4", "gpt-4", FakeDialect.Azure, 1, Deployment: true),
            new("Ollama-like llama3.1, no usage", "llama3.1", FakeDialect.Local, 0),
            new("proxy without usage, gpt-4o-mini", "gpt-4o-mini", FakeDialect.Local, 0),
            new("old local server, text only", "llama3.1", FakeDialect.Local, 1, Legacy: true),
        ];
    }

    private sealed record ProfileFigures(string Profile, int Requests, double Allowed, double WallRatio, string Faults, string Tokens, bool Met);

    private static async Task<bool> MeasureModelRunsAsync(IReadOnlyList<Conversation> conversations, BenchSettings settings)
    {
        Console.WriteLine();
        Console.WriteLine($"against the fake: {settings.LatencyMs} ms per request, batch {settings.BatchSize}, concurrency {settings.Concurrency}, " +
            $"{conversations.Count:N0} conversations");
        var digestsByBuilder = new Dictionary<(string, int), List<ConversationDigest>>();
        var figures = new List<ProfileFigures>();
        var passed = true;
        foreach (var profile in Profile.All.Where(p => settings.Profiles is null || settings.Profiles.Any(n => p.Name.Contains(n, StringComparison.OrdinalIgnoreCase))))
        {
            // As the app builds them for the model: its tokenizer, and a budget its context window holds in a full batch.
            var builder = DigestBuilder.For(profile.Model, new CategorizationOptions { BatchSize = settings.BatchSize });
            if (!digestsByBuilder.TryGetValue((builder.Counter.Encoding, builder.TokenBudget), out var digests))
                digestsByBuilder[(builder.Counter.Encoding, builder.TokenBudget)] = digests = [.. conversations.Select(builder.Build)];
            var result = await MeasureProfileAsync(profile, digests, settings, first: figures.Count == 0);
            figures.Add(result);
            passed &= result.Met;
        }

        Console.WriteLine();
        Console.WriteLine("| profile | requests (allowed) | wall / ideal | at 20 % faults | tokens counted vs what the fake received |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (var f in figures)
            Console.WriteLine($"| {f.Profile} | {f.Requests:N0} ({f.Allowed:N0}) | {f.WallRatio:N2}x | {f.Faults} | {f.Tokens} |");
        return passed;
    }

    private static async Task<ProfileFigures> MeasureProfileAsync(Profile profile, IReadOnlyList<ConversationDigest> digests, BenchSettings settings, bool first)
    {
        await using var fake = await FakeOpenAiServer.StartAsync(profile.Dialect);
        fake.Latency = TimeSpan.FromMilliseconds(settings.LatencyMs);
        (fake.RefusesJsonSchema, fake.RefusesTools, fake.RefusesJsonObject) = (profile.Legacy, profile.Legacy, profile.Legacy);
        if (profile.Deployment) fake.Deployments["chat-prod"] = profile.Model;
        var options = new CategorizationOptions
        {
            // The Ollama-like server needs no key: none is given.
            ApiKey = profile.Dialect == FakeDialect.Local ? null : "sk-bench",
            Model = profile.Model,
            BaseUrl = (profile.Deployment ? fake.DeploymentUrl("chat-prod") : fake.BaseUrl).ToString(),
            BatchSize = settings.BatchSize,
            MaxConcurrency = settings.Concurrency,
        };
        BatchCategorizer Categorizer(ICategorizationCache cache, IResponseModeStore modes) => new(Options.Create(options), cache, responseModes: modes);

        Console.WriteLine();
        Console.WriteLine($"{profile.Name}:");
        // Warm-up: JIT and connection set-up, against its own memory, so the measured run still has to find the mode.
        await RunAsync(Categorizer(new InMemoryCategorizationCache(), new InMemoryResponseModeStore()), digests.Take(1).ToList());
        var (warmUp, warmUpTokens) = (fake.Requests, fake.PromptTokens);

        var modes = new InMemoryResponseModeStore();
        var cache = new InMemoryCategorizationCache();
        var clean = await RunAsync(Categorizer(cache, modes), digests);
        var requests = fake.Requests - warmUp;
        var received = fake.PromptTokens - warmUpTokens;
        var batches = Math.Ceiling(digests.Count / (double)settings.BatchSize);
        var allowed = batches + profile.RefusedModes;
        var ideal = TimeSpan.FromMilliseconds(requests * settings.LatencyMs / (double)settings.Concurrency);
        var met = Report("requests", $"{requests:N0}", $"at most {allowed:N0} (ceil(n/batch) + {profile.RefusedModes} refused: at most one per run)", requests <= allowed);
        met &= Report("wall time", $"{clean.Wall.TotalSeconds:N2} s", $"ideal {ideal.TotalSeconds:N2} s (requests x latency / concurrency), ratio {clean.Wall / ideal:N2} (at most 1.30)",
            clean.Wall <= ideal * 1.3);
        met &= Report("every conversation once", $"{clean.Categorized:N0} categorized, {clean.Failed:N0} failed, {clean.Missing:N0} lost, {clean.Duplicates:N0} duplicated",
            $"{digests.Count:N0}", clean.Categorized == digests.Count && clean.Duplicates == 0);

        // Tokens: what the run counted (the endpoint's usage, or its own count when there is none) against what
        // the fake counted of what it received; and the estimate made now that the mode is known.
        var usage = clean.Usage;
        var exact = TokenCounter.For(profile.Model).IsExact;
        var estimate = await Categorizer(new InMemoryCategorizationCache(), modes).EstimateAsync(digests, CategorySet.Default);
        var source = usage.UnreportedInputTokens == 0 ? "reported by the endpoint" : $"not reported: {usage.TokenCounting} locally";
        var tokensMatch = usage.InputTokens == received;
        met &= Report("input tokens counted vs received", $"{usage.InputTokens:N0} ({source})", $"the fake received {received:N0}" +
            (exact ? " (must match)" : $", ratio {usage.InputTokens / (double)received:N2} (estimated)"), !exact || tokensMatch);
        met &= Report("estimate of input tokens", $"{estimate.InputTokens:N0} ({estimate.TokenCounting})", $"received {received:N0}" +
            (exact ? " (must match)" : $", ratio {estimate.InputTokens / (double)received:N2}"), !exact || estimate.InputTokens == received);
        if (fake.ReasoningTokens > 0)
            Report("hidden reasoning tokens", $"{fake.ReasoningTokens:N0} of {usage.OutputTokens:N0} output", "billed as output, not in the estimate", true);
        if (first)
        {
            Report("cost of this run", usage.CostUsd is { } usd ? $"${usd:N4}" : "no price", estimate.CostUsd is { } e ? $"estimate said ${e:N4}" : "", true);
            var before = fake.Requests;
            var second = await RunAsync(Categorizer(cache, modes), digests);
            met &= Report("second run of the same export", $"{fake.Requests - before:N0} requests", "0", fake.Requests == before && second.Categorized == digests.Count);
        }

        // Faults: one request in five fails, as 429 with Retry-After, 500, or an answer slower than the timeout.
        // A new memory: the mode is found again, under faults.
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
        var beforeFaults = fake.Requests;
        var faulty = await RunAsync(Categorizer(new InMemoryCategorizationCache(), new InMemoryResponseModeStore()), digests);
        var faultsMet = faulty.Categorized == digests.Count && faulty.Missing == 0 && faulty.Duplicates == 0;
        met &= Report($"with {settings.FailRate:P0} of requests failing (timeout 2 s)",
            $"{faulty.Categorized:N0} categorized, {faulty.Failed:N0} failed, {faulty.Missing:N0} lost, {faulty.Duplicates:N0} duplicated",
            $"{fake.Requests - beforeFaults:N0} requests, {faulty.Usage.Retries:N0} retries, wall {faulty.Wall.TotalSeconds:N1} s", faultsMet);

        var tokens = exact
            ? $"{usage.InputTokens:N0} = {received:N0} ({(usage.UnreportedInputTokens == 0 ? "usage" : "counted locally")}); estimate {(estimate.InputTokens == received ? "equal" : $"{estimate.InputTokens:N0}")}"
            : $"estimated {usage.InputTokens:N0} vs {received:N0} ({usage.InputTokens / (double)received:N2}x)";
        return new ProfileFigures(profile.Name, requests, allowed, clean.Wall / ideal,
            faultsMet ? $"{faulty.Categorized:N0} once, 0 lost" : $"{faulty.Missing:N0} lost", tokens, met);
    }

    private static async Task<RunResult> RunAsync(BatchCategorizer engine, IReadOnlyList<ConversationDigest> input)
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

    private static bool Report(string what, string measured, string against, bool met)
    {
        Console.WriteLine($"  {(met ? "ok  " : "MISS")} {what}: {measured}{(against.Length > 0 ? $"  vs  {against}" : "")}");
        return met;
    }

    private sealed record RunResult(TimeSpan Wall, int Categorized, int Failed, int Duplicates, int Missing, CategorizationUsage Usage);

    private sealed record BenchSettings(
        string Export, string? Labels, int LatencyMs, int BatchSize, int Concurrency, double FailRate, int Seed, bool AccuracyOnly,
        string[]? Profiles);
}
