namespace ChatOrganizer.Cli;

internal static class InspectCommand
{
    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        throw new NotImplementedException();
}
