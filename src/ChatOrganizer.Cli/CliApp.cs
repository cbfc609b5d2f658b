namespace ChatOrganizer.Cli;

/// <summary>Dispatches <c>chatorg COMMAND ...</c> to a command; exit codes: 0 done, 1 usage, 2 input unreadable, 130 interrupted.</summary>
internal static class CliApp
{
    public const int Ok = 0;
    public const int UsageError = 1;
    public const int InputUnreadable = 2;
    public const int Interrupted = 130;

    public const string Usage = """
        usage: chatorg COMMAND [options]

        commands:
          inspect PATH [--format text|json]
              Reads an export (conversations.json, an export folder or ZIP) and summarizes it.
          categorize PATH [--categories FILE] [--model M] [--batch-size N] [--concurrency N]
                          [--out FILE.json|FILE.csv] [--offline] [--yes]
              Files every conversation under one category: with OPENAI_API_KEY set (or in .env), by
              OPENAI_MODEL (default gpt-4o-mini) at OPENAI_BASE_URL, after showing the estimate and
              asking (--yes skips the question); without a key, or with --offline, by the offline
              categorizer. Progress goes to stderr, a summary by category to stdout, results to --out.
              --categories FILE: {"name": ..., "categories": [{"name", "description", "keywords"}]}.
              Exit 3: the run did not complete (key refused, unknown model, declined, Ctrl+C).
          discover PATH [--topics N] [--out FILE.json|FILE.csv] [--save-set FILE.json]
              Finds the topics the conversations are about, with no categories and no model, offline:
              each topic (named by its most distinctive words) with its size and most typical titles
              on stdout; each conversation's topic to --out; the topics as a category set file for
              categorize --categories to --save-set. --topics N: 2 to 15 (default: chosen by fit).
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        try
        {
            return await DispatchAsync(args, stdout, stderr, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the conventional 128 + SIGINT, and a sentence instead of a stack trace.
            await stderr.WriteLineAsync("chatorg: interrupted.");
            return Interrupted;
        }
    }

    private static async Task<int> DispatchAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        switch (args.FirstOrDefault())
        {
            case "inspect":
                return await InspectCommand.RunAsync(args[1..], stdout, stderr, cancellationToken);
            case "categorize":
                return await CategorizeCommand.RunAsync(args[1..], stdout, stderr, cancellationToken);
            case "discover":
                return await DiscoverCommand.RunAsync(args[1..], stdout, stderr, cancellationToken);
            case null or "-h" or "--help" or "help":
                await stdout.WriteLineAsync(Usage);
                return args.Length == 0 ? UsageError : Ok;
            default:
                await stderr.WriteLineAsync($"chatorg: unknown command '{args[0]}'.");
                await stderr.WriteLineAsync(Usage);
                return UsageError;
        }
    }
}
