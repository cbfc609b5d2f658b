using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace ChatOrganizer.Benchmarks;

// `bench reader`: the export reader against a bare Utf8JsonReader pass over the same bytes, from
// JSON and from ZIP, on a ~500 MB and a ~50 MB synthetic export (issue 2's targets: at least 50%
// of the bare throughput; peak working set under 200 MB, and the 500 MB run at most 1.25x the
// 50 MB run's). Each measurement runs in a child process, so that peaks do not mix. By default the children run
// from a ReadyToRun publish of this project with the web app's runtime settings (TieredPGO off): the reader as the
// README's publish step ships it, compiled ahead of time; `--build built` measures this build, JIT-compiled as
// `dotnet run` runs it.
internal static class ReaderBenchmark
{
    public static Command Command()
    {
        var command = new Command("reader", "The export reader against a bare Utf8JsonReader pass over the same bytes, JSON and ZIP, each in its own process.");
        var exports = new ExportOptions(command);
        var runs = BenchOptions.Positive("--runs", "measurements per case; the fastest counts", 3);
        var large = BenchOptions.Positive("--large", "conversations in the large export (about 500 MB)", 20_000);
        var small = BenchOptions.Positive("--small", "conversations in the small export (about 50 MB)", 2_000);
        command.Add(runs);
        command.Add(large);
        command.Add(small);
        var build = BenchOptions.OneOf("--build", "published: children run from a ReadyToRun publish of this project, as the web app ships; built: from this build, JIT-compiled", "published", "published", "built");
        command.Add(build);
        command.SetAction(parsed => RunAsync(exports.Settings(parsed) with
        {
            Runs = parsed.GetValue(runs), LargeConversations = parsed.GetValue(large), SmallConversations = parsed.GetValue(small),
            Published = parsed.GetValue(build) == "published",
        }));
        return command;
    }

    private static async Task<int> RunAsync(ReaderBenchmarkSettings settings)
    {
        var exports = new ReaderBenchmarkExports(settings);
        var large = await exports.EnsureAsync(settings.LargeConversations);
        var small = await exports.EnsureAsync(settings.SmallConversations);
        var child = settings.Published ? await ReaderChildBuild.PublishAsync(settings.Cache) : null;

        Console.WriteLine($"reader benchmark: best of {settings.Runs} runs, each in its own process ({Environment.ProcessorCount} cores), " +
            (child is null ? "this build (JIT-compiled)" : $"ReadyToRun publish in {Path.GetDirectoryName(child)} (TieredPGO off)"));
        Console.WriteLine($"{"case",-28} {"MB",8} {"bare MB/s",10} {"full MB/s",10} {"ratio",6} {"bare peak",10} {"full peak",10} {"bare JIT",16} {"full JIT",16}");
        var results = new Dictionary<string, (Measurement Bare, Measurement Full)>();
        foreach (var (label, export) in new[] { ("large", large), ("small", small) })
        {
            foreach (var path in new[] { export.Json, export.Zip })
            {
                var (bare, full) = await MeasurePairAsync(path, settings.Runs, child);
                var name = $"{label} {Path.GetExtension(path).TrimStart('.')}";
                results[name] = (bare, full);
                Console.WriteLine(
                    $"{name + $" ({full.Conversations} conv.)",-28} {full.Bytes / 1e6,8:F0} {bare.MegabytesPerSecond,10:F0} {full.MegabytesPerSecond,10:F0} " +
                    $"{full.MegabytesPerSecond / bare.MegabytesPerSecond,6:F2} {bare.PeakWorkingSet / 1e6,8:F0}MB {full.PeakWorkingSet / 1e6,8:F0}MB " +
                    $"{Jit(bare),16} {Jit(full),16}");
            }
        }

        // The web app's read step for a topic job also builds each conversation's digest: with the character estimate
        // (other models, offline) or the model's tokenizer (OpenAI models). Large JSON only.
        Console.WriteLine();
        Console.WriteLine($"{"read step with digests",-28} {"MB",8} {"full MB/s",10} {"+digests",10} {"ratio",6} {"peak",10}");
        var plain = results["large json"].Full;
        foreach (var counting in new[] { "estimate", "o200k_base", "cl100k_base" })
        {
            var digests = (await MeasureAsync([$"digests-{counting}"], large.Json, settings.Runs, child))[0];
            Console.WriteLine($"{counting,-28} {digests.Bytes / 1e6,8:F0} {plain.MegabytesPerSecond,10:F0} {digests.MegabytesPerSecond,10:F0} " +
                $"{digests.MegabytesPerSecond / plain.MegabytesPerSecond,6:F2} {digests.PeakWorkingSet / 1e6,8:F0}MB");
        }

        Console.WriteLine();
        var pass = true;
        foreach (var format in new[] { "json", "zip" })
        {
            var (bare, full) = results[$"large {format}"];
            var ratio = full.MegabytesPerSecond / bare.MegabytesPerSecond;
            var flat = full.PeakWorkingSet / (double)results[$"small {format}"].Full.PeakWorkingSet;
            pass &= Verdict($"{format}: full read at {ratio:P0} of the bare pass (target >= 50%)", ratio >= 0.5);
            pass &= Verdict($"{format}: peak working set {full.PeakWorkingSet / 1e6:F0} MB on {full.Bytes / 1e6:F0} MB (target < 200 MB)", full.PeakWorkingSet < 200e6);
            pass &= Verdict($"{format}: large/small peak {flat:F2}x (target <= 1.25x)", flat <= 1.25);
        }

        return pass ? 0 : 3;
    }

    // Methods the runtime compiled in the fastest run and the time it spent compiling them.
    private static string Jit(Measurement measurement) =>
        measurement.Jit is { } jit ? $"{jit.Methods} in {jit.Seconds * 1000:F0} ms" : "-";

    private static bool Verdict(string line, bool met)
    {
        Console.WriteLine($"{(met ? "met   " : "MISSED")} {line}");
        return met;
    }

    // The bare pass and the full read take turns, so that a change in the machine's load between runs falls on both
    // (run in blocks, a busy spell during the bare runs once gave 0.81 where three runs before gave 0.48-0.52).
    private static async Task<(Measurement Bare, Measurement Full)> MeasurePairAsync(string path, int runs, string? child)
    {
        var pair = await MeasureAsync(["bare", "full"], path, runs, child);
        return (pair[0], pair[1]);
    }

    // For each mode, the fastest of the runs counts (shared, noisy machines); the peak is the largest seen.
    private static async Task<Measurement[]> MeasureAsync(string[] modes, string path, int runs, string? child)
    {
        var best = new Measurement?[modes.Length];
        var peak = new long[modes.Length];
        for (var run = 0; run < runs; run++)
        {
            for (var i = 0; i < modes.Length; i++)
            {
                var measurement = await RunChildAsync(modes[i], path, child);
                peak[i] = Math.Max(peak[i], measurement.PeakWorkingSet);
                if (best[i] is null || measurement.Seconds < best[i]!.Seconds) best[i] = measurement;
            }
        }

        return best.Select((measurement, i) => measurement! with { PeakWorkingSet = peak[i] }).ToArray();
    }

    // published: the published apphost to run; null runs this process's own build.
    internal static async Task<Measurement> RunChildAsync(string mode, string path, string? published = null)
    {
        var start = new ProcessStartInfo { RedirectStandardOutput = true, RedirectStandardError = true };
        var self = published ?? Environment.ProcessPath!;
        start.FileName = self;
        if (published is null && Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(ReaderBenchmark).Assembly.Location);
        foreach (var arg in new[] { ReaderBenchmarkChild.Name, mode, path }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        await child.WaitForExitAsync();
        if (child.ExitCode != 0) throw new InvalidOperationException($"bench reader child ({mode} {path}) failed: {await errors}");
        return JsonSerializer.Deserialize<Measurement>(await output)!;
    }
}

// Jit: what the runtime compiled in the child, whole process (null from a child that did not say).
internal sealed record Measurement(long Bytes, double Seconds, int Conversations, long PeakWorkingSet, JitWork? Jit = null)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
}

internal sealed record JitWork(long Methods, double Seconds);

internal sealed record ReaderBenchmarkSettings(string Generator, string Cache, int Runs, int LargeConversations, int SmallConversations, int Words, bool Published = false)
{
    // The repo sits beside the shared folder: ../shared/tools/gen_export.py from its root.
    public static string DefaultGenerator()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ChatOrganizer.sln"))) folder = folder.Parent;
        return Path.GetFullPath(Path.Combine(folder?.FullName ?? ".", "..", "shared", "tools", "gen_export.py"));
    }
}
