using ChatOrganizer.Benchmarks;

// `dotnet run -c Release --project tests/ChatOrganizer.Benchmarks -- SUITE [options]`
// Figures are ratios against a baseline measured in the same run: these machines are shared and noisy.
return args.FirstOrDefault() switch
{
    "reader" => await ReaderBenchmark.RunAsync(args[1..]),
    "categorize" => await CategorizationBenchmark.RunAsync(args[1..]),
    "offline" => await OfflineBenchmark.RunAsync(args[1..]),
    "discover" => await DiscoverBenchmark.RunAsync(args[1..]),
    "jobs-progress" => await ProgressLoadBenchmark.RunProgressAsync(args[1..]),
    "jobs-memory" => await ProgressLoadBenchmark.RunMemoryAsync(args[1..]),
    "load" => await LoadBenchmark.RunAsync(args[1..]),
    "job-speed" => await JobSpeedBenchmark.RunAsync(args[1..]),
    "viewer-size" => await ViewerSizeBenchmark.RunAsync(args[1..]),
    "search" => await SearchBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: bench reader|categorize|offline|discover|jobs-progress|jobs-memory|load|job-speed|viewer-size|search [options]   (see README, \"Benchmarks\")");
    return 1;
}
