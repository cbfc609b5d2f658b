namespace ChatOrganizer.Cli;

// chatorg discover's command line, as System.CommandLine checked it (DiscoverCommand.Create).
internal sealed record DiscoverArguments(string Path, int? Topics, string? OutFile, string? SetFile);
