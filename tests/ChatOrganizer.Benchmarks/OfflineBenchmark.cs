using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;

namespace ChatOrganizer.Benchmarks;

// `bench offline [--data DIR] [--model minilm|arctic] [--embedding static|transformer] [--ablate] [--sweep]`
// `bench offline --throughput X.zip [--embedding static|transformer] [--limit N]`
// Accuracy on the labelled set in Evaluation/ (openings-*.jsonl, names-*-*.jsonl, each file split once: even lines tune,
// odd lines are held out), overall, per language and per set, against always-the-largest-category and the keyword
// scorer of before issue 10 (KeywordBaseline), with a confusion summary. Each set's half is one run, as an export is.
// --throughput: conversations per second over a gen_export.py export and this process's peak resident memory.
internal static class OfflineBenchmark
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static Command Command()
    {
        var command = new Command("offline", "The offline categorizer's accuracy on the labelled set, or with --throughput its speed and memory on an export.");
        var data = BenchOptions.LabelledSet();
        var model = BenchOptions.OneOf("--model", "the packaged sentence model", "minilm", "minilm", "arctic");
        var embedding = new Option<OfflineEmbedding>("--embedding") { Description = "token vectors distilled from the model, or the whole transformer", DefaultValueFactory = _ => OfflineEmbedding.Static };
        var ablate = new Option<bool>("--ablate") { Description = "take each piece out, on the tuning half and the bank" };
        var sweep = new Option<bool>("--sweep") { Description = "sweep the tuned weights" };
        var explain = new Option<string?>("--explain") { Description = "print the decisions for one language's openings", HelpName = "LANGUAGE" };
        var throughput = BenchOptions.Path("--throughput", "an export (gen_export.py): conversations per second and peak memory instead of accuracy");
        var limit = BenchOptions.Positive("--limit", "at most this many conversations of the export", int.MaxValue);
        foreach (var option in new Option[] { data, model, embedding, ablate, sweep, explain, throughput, limit }) command.Add(option);
        command.SetAction(parsed => RunAsync(new Options(
            parsed.GetValue(data)!, parsed.GetValue(model) == "arctic" ? EmbeddingModel.ArcticXs : EmbeddingModel.MiniLm, parsed.GetValue(embedding),
            parsed.GetValue(ablate), parsed.GetValue(throughput), parsed.GetValue(limit), parsed.GetValue(explain), parsed.GetValue(sweep))));
        return command;
    }

    private static async Task<int> RunAsync(Options options)
    {
        var engine = OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory, options.Embedding) { Model = options.Model });
        if (options.Throughput is { } export) return await ThroughputAsync(engine, export, options.Limit);

        var data = LabelledSet.Load(options.Data);
        Console.WriteLine($"{data.Items.Count} labelled openings from {options.Data}; model {options.Model.Name}, {options.Embedding} embeddings");
        if (options.Explain is { } language)
        {
            Explain(engine, data, language);
            return 0;
        }
        var passed = true;
        foreach (var half in new[] { Half.Tuning, Half.HeldOut, Half.Bank })
        {
            var report = Evaluate(engine, data, half, OfflineTuning.Default, printConfusion: true);
            passed &= half != Half.HeldOut || report.Passed;
        }
        if (options.Ablate) Ablate(engine, data);
        if (options.Sweep) Sweep(engine, data);
        Console.WriteLine(passed ? "all targets met (held-out half)" : "SOME TARGETS MISSED (held-out half)");
        return passed ? 0 : 2;
    }

    internal static Report Evaluate(OfflineEngine engine, LabelledSet data, Half half, OfflineTuning tuning, bool printConfusion, bool quiet = false)
    {
        var items = data.Items.Where(i => i.Half == half).ToList();
        var predicted = new Dictionary<LabelledItem, string>();
        var decisions = new Dictionary<LabelledItem, (double Confidence, double Margin)>();
        var baseline = new Dictionary<LabelledItem, string>();
        var watch = Stopwatch.StartNew();
        foreach (var group in items.GroupBy(i => i.Set))
        {
            var set = data.Sets[group.Key];
            var run = group.ToList();
            var offline = new OfflineCategorizer(set, engine, null, tuning) { BankExampleOf = LabelledSet.BankExampleOf };
            var assignments = offline.Run([.. run.Select(i => i.Digest)], CancellationToken.None);
            var keywords = new KeywordBaseline(set);
            for (var i = 0; i < run.Count; i++)
            {
                predicted[run[i]] = assignments[i].Assignment.Category ?? "";
                decisions[run[i]] = (assignments[i].Assignment.Confidence ?? 0, assignments[i].Scores.DecisionMargin);
                baseline[run[i]] = keywords.Categorize(run[i].Digest).Category ?? "";
            }
        }
        watch.Stop();

        var report = new Report(items, predicted, decisions, baseline);
        if (quiet) return report;
        Console.WriteLine();
        Console.WriteLine($"== {half} half: {items.Count} openings, {watch.Elapsed.TotalSeconds:F1} s");
        Console.WriteLine($"{"",-26}{"n",5}{"offline",9}{"keywords",10}{"largest",9}");
        void Row(string name, IReadOnlyList<LabelledItem> rows)
        {
            if (rows.Count == 0) return;
            var largest = rows.GroupBy(r => r.Label).Max(g => g.Count()) / (double)rows.Count;
            Console.WriteLine($"{name,-26}{rows.Count,5}{Share(rows, predicted),9:P0}{Share(rows, baseline),10:P0}{largest,9:P0}");
        }
        Row("overall", items);
        foreach (var set in items.GroupBy(i => i.Set).OrderBy(g => g.Key)) Row($"set {set.Key}", [.. set]);
        foreach (var language in items.GroupBy(i => i.Language).OrderBy(g => g.Key)) Row($"language {language.Key}", [.. language]);
        foreach (var cell in items.Where(i => i.Set != "ten-categories").GroupBy(i => $"{i.Set} {i.Language}").OrderBy(g => g.Key)) Row($"  {cell.Key}", [.. cell]);

        if (printConfusion)
        {
            Console.WriteLine("most frequent errors (label -> filed under):");
            foreach (var error in items.Where(i => predicted[i] != i.Label).GroupBy(i => $"{i.Label} -> {predicted[i]}")
                         .OrderByDescending(g => g.Count()).Take(12))
                Console.WriteLine($"  {error.Count(),3}  {error.Key}");
            Console.WriteLine("recall per label (ten categories):");
            foreach (var label in items.Where(i => i.Set == "ten-categories").GroupBy(i => i.Label).OrderByDescending(g => g.Count()))
                Console.WriteLine($"  {label.Key,-28}{label.Count(),4}{Share([.. label], predicted),7:P0}");
        }
        PrintReliability(report);
        Console.WriteLine(Verdict($"overall {report.Overall:P1} (target >= 60%)", report.Overall >= 0.60));
        Console.WriteLine(Verdict($"lowest language {report.LowestLanguage.Name} {report.LowestLanguage.Accuracy:P1} (target >= 45%)", report.LowestLanguage.Accuracy >= 0.45));
        return report;
    }

    // Of the openings given a confidence in each tenth, how many were right; the expected calibration error is the mean gap,
    // weighted by the tenths' sizes. The fit is the logistic map of the margin that this half would give (OfflineTuning
    // keeps the tuning half's).
    private static void PrintReliability(Report report)
    {
        Console.WriteLine("reliability (confidence given -> share right):");
        Console.WriteLine($"  {"confidence",-12}{"n",5}{"mean",8}{"right",8}");
        foreach (var bin in report.Reliability)
            Console.WriteLine($"  {$"{bin.From:0.0}-{bin.From + 0.1:0.0}",-12}{bin.Count,5}{bin.MeanConfidence,8:P0}{bin.Accuracy,8:P0}");
        var (slope, intercept) = report.FittedConfidence;
        Console.WriteLine($"expected calibration error {report.CalibrationError:P1}; mean confidence {report.MeanConfidence:P1} for {report.Overall:P1} right; " +
                          string.Create(CultureInfo.InvariantCulture, $"this half's fit: ConfidenceSlope = {slope:0.00}, ConfidenceIntercept = {intercept:0.00}"));
    }

    // What each bridge earns: the tuning half without it (the held-out half is not looked at here).
    private static void Ablate(OfflineEngine engine, LabelledSet data)
    {
        var full = OfflineTuning.Default;
        var variants = new (string Name, OfflineTuning Tuning)[]
        {
            ("everything", full),
            ("no gloss lexicon", full with { UseGlosses = false }),
            ("no keyword evidence", full with { KeywordWeight = 0 }),
            ("with refinement in the run", full with { MinRunForRefinement = 20 }),
            ("refinement without n-grams", full with { MinRunForRefinement = 20, GramCentroidWeight = 0 }),
            ("refinement without centring", full with { MinRunForRefinement = 20, CentringWeight = 0 }),
            ("no topic inventory", full with { TopicWeight = 0, TopicTermWeight = 0 }),
            ("no Other threshold", full with { OtherThreshold = -10 }),
            ("no example bank", full with { BankWeight = 0 }),
            ("  bank by vectors only", full with { BankGramShare = 0 }),
            ("  bank by n-grams only", full with { BankGramShare = 1 }),
            ("no shape cues", full with { ShapeWeight = 0 }),
            ("no bank, no shape cues", full with { BankWeight = 0, ShapeWeight = 0 }),
            ("  no code cue", full with { CueWeights = [0, .. full.CueWeights.Skip(1)] }),
            ("  no role-play cue", full with { CueWeights = [full.CueWeights[0], 0, .. full.CueWeights.Skip(2)] }),
            ("  no writing cue", full with { CueWeights = [.. full.CueWeights.Take(2), 0, full.CueWeights[3]] }),
            ("  no question cue", full with { CueWeights = [.. full.CueWeights.Take(3), 0] }),
        };
        Console.WriteLine();
        Console.WriteLine("== ablation, tuning half (and the bank read as a set)");
        foreach (var (name, tuning) in variants)
        {
            var report = Evaluate(engine, data, Half.Tuning, tuning, printConfusion: false, quiet: true);
            var bank = Evaluate(engine, data, Half.Bank, tuning, printConfusion: false, quiet: true);
            var languages = string.Join(" ", report.Languages.Select(l => $"{l.Name} {l.Accuracy:P0}"));
            Console.WriteLine($"  {name,-30}{report.Overall,7:P1}   {languages}   | bank {bank.Overall:P1}");
        }
    }

    // A look at what the engine read and why it decided, for the tuning half of one language.
    private static void Explain(OfflineEngine engine, LabelledSet data, string language)
    {
        foreach (var group in data.Items.Where(i => i.Half == Half.Tuning).GroupBy(i => i.Set))
        {
            var run = group.ToList();
            var assignments = new OfflineCategorizer(data.Sets[group.Key], engine).Categorize([.. run.Select(i => i.Digest)]);
            for (var i = 0; i < run.Count; i++)
            {
                if (run[i].Language != language) continue;
                var analyzed = engine.Analyzer.Analyze(run[i].Digest.Title + " " + run[i].Digest.Text);
                Console.WriteLine($"{(assignments[i].Category == run[i].Label ? "ok " : "BAD")} [{run[i].Label}] -> [{assignments[i].Category}] {assignments[i].Confidence:0.00} {assignments[i].Reason}");
                Console.WriteLine($"     {run[i].Digest.Title} | {analyzed.Language} | {Cut(analyzed.ModelText, 160)}");
            }
        }
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length];

    // One setting at a time around the defaults, on the tuning half only.
    private static void Sweep(OfflineEngine engine, LabelledSet data)
    {
        var d = OfflineTuning.Default;
        var grid = new (string Name, Func<float, OfflineTuning> Make, float[] Values)[]
        {
            ("OtherThreshold", v => d with { OtherThreshold = v }, [-1f, 0f, 0.05f, 0.1f, 0.15f, 0.2f]),
            ("BankWeight", v => d with { BankWeight = v }, [0f, 0.25f, 0.5f, 0.75f, 1f, 1.5f]),
            ("BankNeighbours", v => d with { BankNeighbours = (int)v }, [1f, 5f, 10f, 20f, 40f]),
            ("BankTemperature", v => d with { BankTemperature = v }, [0.02f, 0.05f, 0.1f, 0.2f]),
            ("BankGramShare", v => d with { BankGramShare = v }, [0f, 0.25f, 0.5f, 0.75f, 1f]),
            ("BankFloor", v => d with { BankFloor = v }, [0f, 0.05f, 0.1f, 0.15f]),
            ("ShapeWeight", v => d with { ShapeWeight = v }, [0f, 0.1f, 0.2f, 0.3f, 0.5f, 0.8f]),
            ("code cue", v => d with { CueWeights = [v, .. d.CueWeights.Skip(1)] }, [0f, 0.5f, 1f, 2f]),
            ("role-play cue", v => d with { CueWeights = [d.CueWeights[0], v, .. d.CueWeights.Skip(2)] }, [0f, 0.5f, 1f, 2f]),
            ("writing cue", v => d with { CueWeights = [.. d.CueWeights.Take(2), v, d.CueWeights[3]] }, [0f, 0.5f, 1f, 2f]),
            ("question cue", v => d with { CueWeights = [.. d.CueWeights.Take(3), v] }, [0f, 0.5f, 1f, 2f]),
            ("TopicWeight", v => d with { TopicWeight = v }, [0f, 0.5f, 1f, 2f]),
            ("TopicTermWeight", v => d with { TopicTermWeight = v }, [0f, 0.4f, 0.7f, 1f]),
            ("KeywordWeight", v => d with { KeywordWeight = v }, [0.2f, 0.4f, 0.6f, 1f]),
            ("KeywordSaturation", v => d with { KeywordSaturation = v }, [1f, 2f, 4f]),
            ("TitleWeight", v => d with { TitleWeight = v }, [1f, 2f, 3f]),
            ("AnswerWeight", v => d with { AnswerWeight = v }, [0.25f, 0.5f, 1f]),
            ("GlossWeight", v => d with { GlossWeight = v }, [2f, 4f, 8f]),
            ("ForeignWordWeight", v => d with { ForeignWordWeight = v }, [0.2f, 0.5f, 1f]),
            ("DescriptionWeight", v => d with { DescriptionWeight = v }, [0.5f, 1f, 2f]),
            ("CentroidWeight", v => d with { CentroidWeight = v }, [0f, 0.3f, 0.6f, 1f]),
            ("GramCentroidWeight", v => d with { GramCentroidWeight = v }, [0f, 0.2f, 0.4f]),
            ("CentringWeight", v => d with { CentringWeight = v }, [0f, 0.5f, 1f]),
        };
        Console.WriteLine();
        Console.WriteLine("== sweep, tuning half");
        foreach (var (name, make, values) in grid)
        {
            var results = values.Select(v => (v, Evaluate(engine, data, Half.Tuning, make(v), printConfusion: false, quiet: true),
                Evaluate(engine, data, Half.Bank, make(v), printConfusion: false, quiet: true)));
            Console.WriteLine($"  {name,-20}" + string.Join("  ", results.Select(r => $"{r.v}: {r.Item2.Overall:P1} (min {r.Item2.LowestLanguage.Accuracy:P0}, bank {r.Item3.Overall:P0})")));
        }
    }

    // The job's own path: the export read as a stream, digested, and categorized by BatchCategorizer's offline engine a run
    // at a time, as the web app's job does; only the storing of results is left out. The reading's share of the time is
    // measured apart, so the categorizer's own rate shows too.
    private static async Task<int> ThroughputAsync(OfflineEngine engine, string path, int limit)
    {
        var categorizer = new BatchCategorizer(Microsoft.Extensions.Options.Options.Create(new CategorizationOptions()), new InMemoryCategorizationCache(), offline: engine);
        var reading = new Stopwatch();
        var watch = Stopwatch.StartNew();
        var filed = 0;
        await using (var reader = await ExportReader.OpenAsync(path))
        {
            await foreach (var batch in categorizer.CategorizeAsync(Digests(reader, limit, reading), CategorySet.Default, new CategorizationRun { Offline = true }))
                filed += batch.Assignments.Count;
        }
        watch.Stop();
        var categorizing = watch.Elapsed - reading.Elapsed;
        var perSecond = filed / categorizing.TotalSeconds;
        var whole = filed / watch.Elapsed.TotalSeconds;
        var peak = PeakResidentBytes();
        Console.WriteLine($"{filed:N0} conversations in {watch.Elapsed.TotalSeconds:F1} s, {reading.Elapsed.TotalSeconds:F1} s of it reading the export: " +
                          $"{perSecond:N0} per second categorizing, {whole:N0} per second for the whole job ({engine.Options.Embedding}; " +
                          $"{engine.Tokens.DistilledHere:N0} tokens distilled in this process, which is done once per machine; " +
                          $"model session kept: {engine.Embedder.SessionLoaded})");
        Console.WriteLine(Verdict($"throughput {perSecond:N0}/s (target >= 400/s)", perSecond >= 400));
        Console.WriteLine(Verdict($"peak resident memory {peak / 1e6:N0} MB, reading the export included (target < 600 MB)", peak < 600e6));
        return perSecond >= 400 && peak < 600e6 ? 0 : 2;
    }

    private static async IAsyncEnumerable<ConversationDigest> Digests(ExportReader reader, int limit, Stopwatch reading)
    {
        var builder = new DigestBuilder();
        var count = 0;
        reading.Start();
        await foreach (var conversation in reader.ReadConversationsAsync())
        {
            var digest = builder.Build(conversation);
            reading.Stop();
            yield return digest;
            if (++count >= limit) yield break;
            reading.Start();
        }
        reading.Stop();
    }

    internal static long PeakResidentBytes()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }

    private static double Share(IReadOnlyList<LabelledItem> rows, Dictionary<LabelledItem, string> predicted) =>
        rows.Count == 0 ? 0 : rows.Count(r => string.Equals(predicted[r], r.Label, StringComparison.OrdinalIgnoreCase)) / (double)rows.Count;

    internal static string Verdict(string text, bool ok) => $"{(ok ? "PASS" : "MISS")}  {text}";

    internal sealed class Report(
        List<LabelledItem> items,
        Dictionary<LabelledItem, string> predicted,
        Dictionary<LabelledItem, (double Confidence, double Margin)> decisions,
        Dictionary<LabelledItem, string> baseline)
    {
        private readonly List<(double Confidence, double Margin, bool Right)> _decisions =
            [.. items.Select(i => (decisions[i].Confidence, decisions[i].Margin, string.Equals(predicted[i], i.Label, StringComparison.OrdinalIgnoreCase)))];

        public double Overall { get; } = Share(items, predicted);

        public double MeanConfidence => _decisions.Count == 0 ? 0 : _decisions.Average(d => d.Confidence);

        public List<(double From, int Count, double MeanConfidence, double Accuracy)> Reliability =>
        [
            .. _decisions.GroupBy(d => Math.Min(9, (int)Math.Floor(d.Confidence * 10))).OrderBy(g => g.Key)
                .Select(g => (g.Key / 10.0, g.Count(), g.Average(d => d.Confidence), g.Count(d => d.Right) / (double)g.Count())),
        ];

        public double CalibrationError => _decisions.Count == 0 ? 0 : Reliability.Sum(b => b.Count * Math.Abs(b.Accuracy - b.MeanConfidence)) / _decisions.Count;

        public (double Slope, double Intercept) FittedConfidence => Logistic.Fit([.. _decisions.Select(d => (d.Margin, d.Right))]);

        public double Baseline { get; } = Share(items, baseline);
        public List<(string Name, double Accuracy)> Languages { get; } =
            [.. items.GroupBy(i => i.Language).OrderBy(g => g.Key).Select(g => (g.Key, Share([.. g], predicted)))];
        public (string Name, double Accuracy) LowestLanguage => Languages.MinBy(l => l.Accuracy);
        public bool Passed => Overall >= 0.60 && LowestLanguage.Accuracy >= 0.45;
    }

    private sealed record Options(string Data, EmbeddingModel Model, OfflineEmbedding Embedding, bool Ablate, string? Throughput, int Limit, string? Explain, bool Sweep);
}

// One-feature logistic regression by Newton's method: P(right) = 1 / (1 + e^-(slope * x + intercept)).
internal static class Logistic
{
    public static (double Slope, double Intercept) Fit(IReadOnlyList<(double X, bool Y)> points)
    {
        double slope = 0, intercept = 0;
        for (var iteration = 0; iteration < 50; iteration++)
        {
            // Gradient and Hessian of the log-likelihood, with a faint ridge so a separable set still has an answer.
            double gs = -1e-3 * slope, gi = 0, hss = 1e-3, hsi = 0, hii = 1e-9;
            foreach (var (x, y) in points)
            {
                var p = 1 / (1 + Math.Exp(-(slope * x + intercept)));
                var error = (y ? 1 : 0) - p;
                var w = p * (1 - p);
                gs += error * x;
                gi += error;
                hss += w * x * x;
                hsi += w * x;
                hii += w;
            }
            var determinant = hss * hii - hsi * hsi;
            if (Math.Abs(determinant) < 1e-12) break;
            var ds = (hii * gs - hsi * gi) / determinant;
            var di = (hss * gi - hsi * gs) / determinant;
            slope += ds;
            intercept += di;
            if (Math.Abs(ds) + Math.Abs(di) < 1e-9) break;
        }
        return (slope, intercept);
    }
}

internal enum Half
{
    Tuning,
    HeldOut,

    // The categorizer's own example bank read as a third set (its topics as the ten categories, each example left out of
    // its own neighbours): written apart from Evaluation/, it shows whether what was tuned there holds on other writing.
    Bank,
}

internal sealed record LabelledItem(string Id, string Language, string Set, string Label, Half Half, ConversationDigest Digest);

// The labelled openings and their category sets, as the writers left them (GUIDE.md beside them).
internal sealed record LabelledSet(IReadOnlyList<LabelledItem> Items, IReadOnlyDictionary<string, CategorySet> Sets)
{
    private sealed record Line(string Id, string Lang, string Set, string Title, string User, string? Assistant, string Label);

    private sealed record SetFile(string Name, List<CategoryFile> Categories);

    private sealed record CategoryFile(string Name, string? Description);

    public static LabelledSet Load(string folder)
    {
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var sets = new Dictionary<string, CategorySet>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(folder, "*.json"))
        {
            var parsed = JsonSerializer.Deserialize<SetFile>(File.ReadAllText(file), json)!;
            var stem = Path.GetFileNameWithoutExtension(file);
            sets[stem == "ten-categories" ? stem : stem] = new CategorySet(parsed.Name, [.. parsed.Categories.Select(c => new Category(c.Name, c.Description))]);
        }
        var items = new List<LabelledItem>();
        foreach (var file in Directory.GetFiles(folder, "*.jsonl").Order(StringComparer.Ordinal))
        {
            var index = 0;
            foreach (var text in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(text)) continue;
                var line = JsonSerializer.Deserialize<Line>(text, json)!;
                // The one split, fixed: even lines of every file tune, odd lines are held out.
                var half = index++ % 2 == 0 ? Half.Tuning : Half.HeldOut;
                items.Add(new LabelledItem(line.Id, line.Lang, line.Set, line.Label, half, Digest(line)));
            }
        }
        var bank = ExampleBank.Examples;
        for (var i = 0; i < bank.Count; i++)
        {
            if (!BankLabels.TryGetValue(bank[i].Topic, out var label)) continue;
            var digest = new ConversationDigest($"{BankPrefix}{i}", bank[i].Title, $"User: {bank[i].User}", 0, "");
            items.Add(new LabelledItem(digest.ConversationId, bank[i].Lang, "ten-categories", label, Half.Bank, digest));
        }
        return new LabelledSet(items, sets);
    }

    private const string BankPrefix = "bank:";

    public static int BankExampleOf(string conversationId) =>
        conversationId.StartsWith(BankPrefix, StringComparison.Ordinal) ? int.Parse(conversationId[BankPrefix.Length..], CultureInfo.InvariantCulture) : -1;

    // The bank's topics as Evaluation/GUIDE.md's rules file them; legal questions and everyday office work have no one
    // category there, and are left out.
    private static readonly Dictionary<string, string> BankLabels = new(StringComparer.Ordinal)
    {
        ["programming"] = "Programming & Development",
        ["technical support"] = "Technical Support",
        ["data science"] = "Data Science & ML",
        ["learning"] = "Learning & Education",
        ["writing"] = "Writing & Content Creation",
        ["creative"] = "Creative & Design",
        ["business"] = "Business & Strategy",
        ["research"] = "Research & Analysis",
        ["career"] = "Career & Professional",
        ["personal"] = "Personal Advice",
        ["relationships"] = "Personal Advice",
        ["health"] = "Personal Advice",
        ["travel"] = "Personal Advice",
        ["finance"] = "Personal Advice",
        ["cooking"] = "Personal Advice",
        ["shopping"] = "Personal Advice",
        ["home"] = "Personal Advice",
        ["entertainment"] = "Personal Advice",
    };

    // The digest's own format (DigestBuilder): the title, then one "User:"/"Assistant:" line per message, spaces collapsed.
    private static ConversationDigest Digest(Line line)
    {
        static string Clean(string text) => string.Join(' ', text.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        var text = $"User: {Clean(line.User)}";
        if (!string.IsNullOrWhiteSpace(line.Assistant)) text += $"\nAssistant: {Clean(line.Assistant)}";
        return new ConversationDigest(line.Id, Clean(line.Title), text, 0, line.Id);
    }
}
