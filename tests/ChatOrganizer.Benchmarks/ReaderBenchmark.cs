namespace ChatOrganizer.Benchmarks;

internal static class ReaderBenchmark
{
    public static Task<int> RunAsync(string[] args) => throw new NotImplementedException();
}
