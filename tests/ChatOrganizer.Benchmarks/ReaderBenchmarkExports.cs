using System.Diagnostics;

namespace ChatOrganizer.Benchmarks;

internal sealed record BenchmarkExport(string Json, string Zip);

// Generates the synthetic exports once into the cache folder; later runs reuse them.
internal sealed class ReaderBenchmarkExports(ReaderBenchmarkSettings settings)
{
    public async Task<BenchmarkExport> EnsureAsync(int conversations)
    {
        Directory.CreateDirectory(settings.Cache);
        var stem = Path.Combine(settings.Cache, $"export-{conversations}c-{settings.Words}w");
        var export = new BenchmarkExport(stem + ".json", stem + ".zip");
        if (!(File.Exists(export.Json) && File.Exists(export.Zip)) && !File.Exists(settings.Generator))
            throw new BenchInputException($"the generator {settings.Generator} does not exist; pass --generator.");
        foreach (var path in new[] { export.Json, export.Zip })
        {
            if (File.Exists(path)) continue;
            Console.WriteLine($"generating {path} ...");
            var partial = Path.Combine(settings.Cache, $"partial-{Guid.NewGuid():N}{Path.GetExtension(path)}");
            var start = new ProcessStartInfo("python3") { RedirectStandardError = true };
            foreach (var arg in new[] { settings.Generator, "--conversations", $"{conversations}", "--words", $"{settings.Words}", "--out", partial }) start.ArgumentList.Add(arg);
            using var generator = Process.Start(start)!;
            var errors = await generator.StandardError.ReadToEndAsync();
            await generator.WaitForExitAsync();
            if (generator.ExitCode != 0) throw new InvalidOperationException($"gen_export.py failed: {errors}");
            File.Move(partial, path);
        }

        return export;
    }
}
