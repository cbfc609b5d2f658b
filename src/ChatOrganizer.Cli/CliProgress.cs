using Spectre.Console;

namespace ChatOrganizer.Cli;

// Progress on stderr: a live bar (Spectre.Console) when stderr is a terminal, plain lines otherwise (a log, a pipe, a
// test), so nothing reading the output has to undo carriage returns.
internal sealed class CliProgress(CliConsole console)
{
    private readonly Lock _lock = new();
    private IAnsiConsole? _live;

    // Runs work with the bar shown, if there is one, until it ends.
    public async Task RunAsync(string title, int total, Func<Action<string, int>, Task> work)
    {
        if (!console.StderrIsTerminal)
        {
            await work((line, _) => Say(line));
            return;
        }

        _live = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        try
        {
            await _live.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async context =>
                {
                    var task = context.AddTask(Markup.Escape(title), maxValue: Math.Max(total, 1));
                    await work((line, done) =>
                    {
                        task.Description = Markup.Escape(line);
                        task.Value = done;
                    });
                    task.Value = task.MaxValue;
                });
        }
        finally
        {
            _live = null;
        }
    }

    // A sentence on stderr; above the bar while it is shown.
    public void Say(string line)
    {
        lock (_lock)
        {
            if (_live is { } live) live.WriteLine(line);
            else console.Stderr.WriteLine(line);
        }
    }
}
