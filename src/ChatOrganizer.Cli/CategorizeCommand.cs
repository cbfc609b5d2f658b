namespace ChatOrganizer.Cli;

internal static class CategorizeCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
