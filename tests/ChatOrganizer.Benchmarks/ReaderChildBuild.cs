using System.Diagnostics;

namespace ChatOrganizer.Benchmarks;

// The reader as the product ships it: the README's publish step (and the Dockerfile's) compiles ReadyToRun, so a
// person's first read runs precompiled code instead of waiting on the JIT. This publishes the benchmark's own project the
// same way, with the web app's TieredPGO=false, and the reader suite runs its children from there.
internal static class ReaderChildBuild
{
    // Returns the published apphost. Publishing again after a code change is incremental, as a build is.
    public static async Task<string> PublishAsync(string cache)
    {
        var folder = Path.Combine(cache, "reader-child-r2r");
        var project = Path.Combine(ChatOrganizer.Testing.RepositoryRoot.Path, "tests", "ChatOrganizer.Benchmarks", "ChatOrganizer.Benchmarks.csproj");
        Console.WriteLine($"publishing the reader's child process ReadyToRun to {folder} ...");
        var clock = Stopwatch.StartNew();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in new[] { "publish", project, "-c", "Release", "--use-current-runtime", "-p:PublishReadyToRun=true", "-p:TieredPGO=false", "-o", folder })
        {
            start.ArgumentList.Add(arg);
        }

        using var publish = Process.Start(start)!;
        var output = publish.StandardOutput.ReadToEndAsync();
        var errors = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync();
        if (publish.ExitCode != 0) throw new InvalidOperationException($"dotnet publish of the reader child failed:\n{await output}\n{await errors}");
        Console.WriteLine($"published in {clock.Elapsed.TotalSeconds:F0} s");
        var apphost = Path.Combine(folder, OperatingSystem.IsWindows() ? "ChatOrganizer.Benchmarks.exe" : "ChatOrganizer.Benchmarks");
        if (!File.Exists(apphost)) throw new InvalidOperationException($"the publish left no {apphost}.");
        return apphost;
    }
}
