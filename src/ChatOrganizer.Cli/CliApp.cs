using System.CommandLine;
using System.CommandLine.Help;

namespace ChatOrganizer.Cli;

// chatorg COMMAND ... on System.CommandLine, which writes the help. Exit codes: 0 done, 1 usage, 2 input
// unreadable, 3 the run did not complete (CategorizeCommand.RunFailed), 130 interrupted.
internal static class CliApp
{
    public const int Ok = 0;
    public const int UsageError = 1;
    public const int InputUnreadable = 2;
    public const int Interrupted = 130;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken) =>
        RunAsync(args, new CliConsole(Console.In, stdout, stderr, CliConsole.ProcessEnvironment), cancellationToken);

    public static async Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        // A Command rather than a RootCommand, so the help says "chatorg" whatever runs it (dotnet run, a test host).
        var root = new Command("chatorg", "Reads a ChatGPT export and files its conversations under topics, months or years.")
        {
            new HelpOption(),
            new VersionOption(),
            InspectCommand.Create(console),
            CategorizeCommand.Create(console),
            DiscoverCommand.Create(console),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0 && parsed.Action is not HelpAction) return await UsageAsync(root, parsed, console.Stderr);

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration
            {
                Output = console.Stdout,
                Error = console.Stderr,
                EnableDefaultExceptionHandler = false,
                // Program.cs turns Ctrl+C into the token; 130 comes from here.
                ProcessTerminationTimeout = null,
            }, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: the conventional 128 + SIGINT, and a sentence instead of a stack trace.
            await console.Stderr.WriteLineAsync("chatorg: interrupted.");
            return Interrupted;
        }
    }

    // What was wrong, in sentences, then the generated help of the command it was for; on stderr, exit 1.
    private static async Task<int> UsageAsync(Command root, ParseResult parsed, TextWriter stderr)
    {
        var command = parsed.CommandResult.Command;
        var prefix = command.Parents.Any() ? $"chatorg {command.Name}" : "chatorg";
        var unmatched = parsed.UnmatchedTokens;
        foreach (var token in unmatched)
        {
            await stderr.WriteLineAsync(token.StartsWith('-') ? $"{prefix}: unknown option '{token}'."
                : command.Parents.Any() ? $"{prefix}: one export at a time: '{token}' is one too many."
                : $"{prefix}: unknown command '{token}'.");
        }
        foreach (var error in parsed.Errors.Where(e => !unmatched.Any(t => e.Message.Contains($"'{t}'", StringComparison.Ordinal))))
        {
            await stderr.WriteLineAsync($"{prefix}: {error.Message}");
        }
        await stderr.WriteLineAsync();
        await root.Parse(command == root ? ["--help"] : [command.Name, "--help"])
            .InvokeAsync(new InvocationConfiguration { Output = stderr, Error = stderr });
        return UsageError;
    }

    // The path argument both commands take; missing, a sentence rather than "required argument missing".
    public static Argument<string?> ExportPath(Command command)
    {
        var path = new Argument<string?>("PATH")
        {
            Description = "A conversations.json, an unpacked export folder, an export ZIP, or a chat.html.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(path) is null) result.AddError($"{command.Name} needs the export to read: a conversations.json, an export folder or ZIP.");
        });
        return path;
    }
}

// Where a command reads and writes, and the environment it sees: the process's, or a test's own.
internal sealed record CliConsole(TextReader Stdin, TextWriter Stdout, TextWriter Stderr, Func<string, string?> Environment)
{
    private static readonly Lazy<bool> DotEnv = new(() =>
    {
        // .env in the working directory, as for the web app; real environment variables win.
        if (File.Exists(".env")) DotNetEnv.Env.NoClobber().Load(".env");
        return true;
    });

    public static string? ProcessEnvironment(string name) => DotEnv.Value ? System.Environment.GetEnvironmentVariable(name) : null;

    // Whether stderr is a terminal a person watches (a live progress bar), rather than a file, a pipe or a test.
    public bool StderrIsTerminal => ReferenceEquals(Stderr, Console.Error) && !Console.IsErrorRedirected;
}
