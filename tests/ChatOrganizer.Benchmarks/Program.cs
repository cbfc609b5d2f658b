using System.CommandLine;
using ChatOrganizer.Benchmarks;

// `dotnet run -c Release --project tests/ChatOrganizer.Benchmarks -- SUITE [options]`, `-- SUITE --help` for a suite's.
// Figures are ratios against a baseline measured in the same run: these machines are shared and noisy.
var root = new RootCommand("ChatOrganizer's benchmarks, run on purpose (README, \"Benchmarks\").")
{
    ReaderBenchmark.Command(),
    ReaderBenchmarkChild.Command(),
    CategorizationBenchmark.Command(),
    OfflineBenchmark.Command(),
    DiscoverBenchmark.Command(),
    ProgressLoadBenchmark.ProgressCommand(),
    ProgressLoadBenchmark.MemoryCommand(),
    LoadBenchmark.Command(),
    JobSpeedBenchmark.Command(),
    ViewerSizeBenchmark.Command(),
    SearchBenchmark.Command(),
};
try
{
    return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
}
catch (BenchInputException e)
{
    await Console.Error.WriteLineAsync($"bench: {e.Message}");
    return 1;
}
