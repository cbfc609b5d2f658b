namespace ChatOrganizer.Benchmarks;

internal static class CategorizationBenchmark
{
    public static Task<int> RunAsync(string[] args) => throw new NotImplementedException();
}
