using System.CommandLine;

namespace ChatOrganizer.Benchmarks;

// The options several suites share, declared once; System.CommandLine parses them and writes each suite's help.
internal static class BenchOptions
{
    public static Option<int> Positive(string name, string description, int fallback)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => fallback, HelpName = "N" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError($"{name} takes a positive whole number.");
        });
        return option;
    }

    public static Option<string> OneOf(string name, string description, string fallback, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => fallback };
        option.AcceptOnlyFromAmong(values);
        return option;
    }

    public static Option<string?> Path(string name, string description, bool required = false) =>
        new(name) { Description = description, HelpName = "PATH", Required = required };

    public static Option<string> LabelledSet() => new("--data")
    {
        Description = "the labelled evaluation set's folder",
        HelpName = "DIR",
        DefaultValueFactory = _ => System.IO.Path.Combine(ChatOrganizer.Testing.RepositoryRoot.Path, "tests", "ChatOrganizer.Benchmarks", "Evaluation"),
    };
}

// The synthetic exports a suite generates with gen_export.py (and keeps in the cache for later runs).
internal sealed class ExportOptions
{
    private readonly Option<string> _generator = new("--generator")
    {
        Description = "the synthetic export generator, ../shared/tools/gen_export.py beside the repo unless given",
        HelpName = "PATH",
        DefaultValueFactory = _ => ReaderBenchmarkSettings.DefaultGenerator(),
    };
    private readonly Option<string> _cache = new("--cache")
    {
        Description = "where generated exports are kept between runs",
        HelpName = "DIR",
        DefaultValueFactory = _ => System.IO.Path.Combine(System.IO.Path.GetTempPath(), "chatorg-bench"),
    };
    private readonly Option<int> _words = BenchOptions.Positive("--words", "typical words in a user message", 120);

    public ExportOptions(Command command)
    {
        command.Add(_generator);
        command.Add(_cache);
        command.Add(_words);
    }

    public ReaderBenchmarkSettings Settings(ParseResult parsed) =>
        new(parsed.GetValue(_generator)!, parsed.GetValue(_cache)!, Runs: 3, LargeConversations: 20_000, SmallConversations: 2_000, parsed.GetValue(_words));
}

// Input a suite cannot use (a generator that is not there): a sentence on stderr and exit 1, not a stack trace.
internal sealed class BenchInputException(string message) : Exception(message);

internal static class Percentile
{
    public static double Of(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
