using System.CommandLine;
using System.Globalization;
using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Results;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Cli;

// chatorg categorize PATH ...: the web app's engine without the web app. Reads the export, shows the estimate
// (and asks, unless --yes), categorizes with progress on stderr, writes results and a summary. --group-by month or
// year groups by time instead, as the web app's jobs do, and sends nothing.
internal static class CategorizeCommand
{
    // The run did not complete: the endpoint refused it, the estimate was declined, or Ctrl+C.
    public const int RunFailed = 3;

    public static Command Create(CliConsole console)
    {
        var command = new Command("categorize",
            $"Files every conversation under one category: with {CategorizationOptions.ApiKeyVariable} set (or in .env), by {CategorizationOptions.ModelVariable} " +
            $"(default {CategorizationOptions.DefaultModel}) at {CategorizationOptions.BaseUrlVariable}, after showing the estimate and asking; without a key, or with " +
            "--offline, by the offline categorizer. Progress goes to stderr, a summary to stdout, results to --out. " +
            "Exit 3: the run did not complete (key refused, unknown model, declined).");
        var path = CliApp.ExportPath(command);
        var categories = new Option<string?>("--categories")
        {
            Description = """A category set: {"name": ..., "categories": [{"name", "description", "keywords", "examples"}]}; default: the built-in set.""",
            HelpName = "FILE",
        };
        var model = new Option<string?>("--model") { Description = "The model to ask (default: OPENAI_MODEL).", HelpName = "M" };
        var batchSize = Positive("--batch-size", "conversations per request", 20);
        var concurrency = Positive("--concurrency", "requests at once", 4);
        var output = new Option<string?>("--out") { Description = "Where to write the results: JSON, or CSV as the web app's download.", HelpName = "FILE.json|FILE.csv" };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } file && CategorizeResults.OutputFormat(file) is null)
                result.AddError($"--out {file}: the file must end in .json or .csv.");
        });
        var groupBy = new Option<string>("--group-by")
        {
            Description = "topic: categorize; month or year: group by when each conversation began (UTC), nothing sent.",
            DefaultValueFactory = _ => "topic",
        };
        groupBy.AcceptOnlyFromAmong("topic", "month", "year");
        var offline = new Option<bool>("--offline") { Description = "Use the offline categorizer even with a key: nothing is sent anywhere." };
        var yes = new Option<bool>("--yes", "-y") { Description = "Do not ask before sending." };
        foreach (var option in new Option[] { categories, model, batchSize, concurrency, output, groupBy, offline, yes }) command.Add(option);
        command.Add(path);

        command.SetAction((parsed, cancellationToken) => RunAsync(
            new CategorizeArguments(
                parsed.GetValue(path)!, parsed.GetValue(categories), parsed.GetValue(model), parsed.GetValue(batchSize), parsed.GetValue(concurrency),
                parsed.GetValue(output), parsed.GetValue(offline), parsed.GetValue(yes),
                parsed.GetValue(groupBy) switch { "month" => PeriodLength.Month, "year" => PeriodLength.Year, _ => null }),
            console, cancellationToken));
        return command;
    }

    // chatorg categorize ARGS with this console and environment (tests).
    public static Task<int> RunAsync(
        string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellationToken) =>
        CliApp.RunAsync(["categorize", .. args], new CliConsole(stdin, stdout, stderr, environment), cancellationToken);

    private static async Task<int> RunAsync(CategorizeArguments arguments, CliConsole console, CancellationToken cancellationToken)
    {
        var (stdin, stdout, stderr, environment) = (console.Stdin, console.Stdout, console.Stderr, console.Environment);
        var options = new CategorizationOptions().ApplyEnvironment(environment);
        if (arguments.Model is not null) options.Model = arguments.Model;
        if (arguments.BatchSize is { } size) options.BatchSize = size;
        if (arguments.Concurrency is { } parallel) options.MaxConcurrency = parallel;
        if (options.Validate() is { Count: > 0 } problems)
        {
            await stderr.WriteLineAsync($"chatorg categorize: {string.Join(" ", problems)}");
            return CliApp.UsageError;
        }

        if (arguments.Period is { } period) return await GroupByPeriodAsync(arguments, period, console, cancellationToken);

        var set = CategorySet.Default;
        if (arguments.CategoriesFile is not null)
        {
            (set, var error) = await CategorySetFile.ReadAsync(arguments.CategoriesFile, cancellationToken);
            if (set is null)
            {
                await stderr.WriteLineAsync($"chatorg categorize: {error}");
                return CliApp.InputUnreadable;
            }
        }

        var progress = new CliProgress(console);
        var categorizer = new BatchCategorizer(Options.Create(options), new InMemoryCategorizationCache(),
            responseModes: ResponseModeFile.InCacheFolder(environment));
        var telemetry = new CategorizationTelemetry(e =>
        {
            // Said once a run, in words: which mode the endpoint answers in, and tokens it does not report.
            var sentence = e switch
            {
                CategorizationEvent.ResponseModeChosen chosen => chosen.Sentence,
                CategorizationEvent.UsageNotReported unreported => unreported.Sentence,
                _ => null,
            };
            if (sentence is not null) progress.Say(sentence);
        });
        var run = new CategorizationRun { Offline = arguments.Offline, Telemetry = telemetry };

        var rows = new List<ResultRow>();
        var digests = new List<ConversationDigest>();
        var rowOf = new Dictionary<string, int>(StringComparer.Ordinal);
        try
        {
            // Measured with the model's own tokenizer, so the budget and the estimate are in the tokens it bills.
            var builder = categorizer.DigestBuilderFor(run);
            if (builder.TokenBudget < options.DigestTokenBudget)
            {
                await stderr.WriteLineAsync($"Conversations are summed up in {builder.TokenBudget} tokens each (not {options.DigestTokenBudget}) " +
                    $"so that batches of {options.BatchSize} fit {options.Model}'s context window.");
            }
            await using var reader = await ExportReader.OpenAsync(arguments.Path, cancellationToken: cancellationToken);
            await foreach (var conversation in reader.ReadConversationsAsync(cancellationToken))
            {
                var digest = builder.Build(conversation);
                var row = ResultRow.From(conversation);
                if (NothingToCategorize.Reason(conversation, digest) is { } reason)
                {
                    row = row with { Status = CategorizationStatus.Failed, Engine = categorizer.EngineFor(run), FailureReason = reason };
                }
                else if (rowOf.TryAdd(digest.ConversationId, rows.Count))
                {
                    digests.Add(digest);
                }
                rows.Add(row);
            }
        }
        catch (Exception e) when (e is ExportFormatException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"chatorg categorize: cannot read {arguments.Path}: {e.Message}");
            return CliApp.InputUnreadable;
        }

        if (digests.Count > 0 && !await ConfirmAsync(categorizer, digests, set, run, arguments, stdin, stderr, cancellationToken)) return RunFailed;

        var finished = 0;
        var exitCode = CliApp.Ok;
        try
        {
            await progress.RunAsync("Categorizing", digests.Count, async report =>
            {
                await foreach (var batch in categorizer.CategorizeAsync(digests, set, run, cancellationToken))
                {
                    foreach (var a in batch.Assignments)
                    {
                        if (!rowOf.TryGetValue(a.ConversationId, out var at)) continue;
                        rows[at] = rows[at] with
                        {
                            Category = a.Category, Status = a.Status, Engine = a.Engine, FailureReason = a.FailureReason,
                            Confidence = a.Confidence, Reason = a.Reason,
                        };
                        finished++;
                    }
                    report(Progress(telemetry, digests.Count), finished);
                }
            });
        }
        catch (CategorizationRunFailedException e)
        {
            await stderr.WriteLineAsync($"chatorg categorize: {e.Message}");
            exitCode = RunFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"chatorg categorize: cancelled; {finished:N0} of {digests.Count:N0} conversations finished.");
            exitCode = RunFailed;
        }

        // What finished is written even when the run stopped early: it was paid for. The rest have no status yet.
        if (arguments.OutFile is not null && rows.Count > 0)
        {
            await CategorizeResults.WriteAsync(arguments.OutFile, rows, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {rows.Count:N0} results to {arguments.OutFile}.");
        }
        await CategorizeResults.WriteTopicSummaryAsync(stdout, rows);
        await stderr.WriteLineAsync(Usage(telemetry.Snapshot()));
        return exitCode;
    }

    // --group-by month|year: what a month or year job of the web app does; nothing is sent, nothing is asked.
    private static async Task<int> GroupByPeriodAsync(CategorizeArguments arguments, PeriodLength period, CliConsole console, CancellationToken cancellationToken)
    {
        var rows = new List<ResultRow>();
        try
        {
            await using var reader = await ExportReader.OpenAsync(arguments.Path, cancellationToken: cancellationToken);
            await foreach (var conversation in reader.ReadConversationsAsync(cancellationToken)) rows.Add(ResultRow.From(conversation));
        }
        catch (Exception e) when (e is ExportFormatException or IOException or UnauthorizedAccessException)
        {
            await console.Stderr.WriteLineAsync($"chatorg categorize: cannot read {arguments.Path}: {e.Message}");
            return CliApp.InputUnreadable;
        }

        if (arguments.OutFile is not null && rows.Count > 0)
        {
            await CategorizeResults.WriteAsync(arguments.OutFile, rows, CancellationToken.None);
            await console.Stderr.WriteLineAsync($"Wrote {rows.Count:N0} conversations to {arguments.OutFile}.");
        }
        await CategorizeResults.WritePeriodSummaryAsync(console.Stdout, rows, period);
        return CliApp.Ok;
    }

    private static async Task<bool> ConfirmAsync(
        BatchCategorizer categorizer, IReadOnlyList<ConversationDigest> digests, CategorySet set, CategorizationRun run,
        CategorizeArguments arguments, TextReader stdin, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (categorizer.EngineFor(run) == CategorizationEngine.Offline)
        {
            await stderr.WriteLineAsync(arguments.Offline
                ? $"Categorizing {digests.Count:N0} conversations offline (--offline): nothing is sent anywhere."
                : $"Categorizing {digests.Count:N0} conversations offline: {CategorizationOptions.ApiKeyVariable} is not set, so nothing is sent anywhere.");
            return true;
        }

        var estimate = await categorizer.EstimateAsync(digests, set, run, cancellationToken);
        var cost = estimate.CostUsd is { } usd
            ? $"about ${usd.ToString("0.00##", CultureInfo.InvariantCulture)}"
            : "price unknown (no price for this model in the price table)";
        await stderr.WriteLineAsync(
            $"Categorizing {estimate.Conversations:N0} conversations with {estimate.Model}: {estimate.Requests:N0} requests, " +
            $"about {estimate.InputTokens:N0} input and {estimate.OutputTokens:N0} output tokens ({estimate.TokenCounting}" +
            $"{(estimate.ExcludesReasoning ? "; hidden reasoning, billed as output, not included" : "")}), {cost} before retries.");
        if (arguments.Yes) return true;

        await stderr.WriteAsync("Continue? [y/N] ");
        var answer = (await stdin.ReadLineAsync(cancellationToken))?.Trim();
        if (answer is not null && (answer.Equals("y", StringComparison.OrdinalIgnoreCase) || answer.Equals("yes", StringComparison.OrdinalIgnoreCase)))
            return true;
        if (answer is null) await stderr.WriteLineAsync();
        await stderr.WriteLineAsync("Nothing was sent. (--yes skips this question.)");
        return false;
    }

    private static string Progress(CategorizationTelemetry telemetry, int total) =>
        $"{telemetry.Categorized + telemetry.Failed:N0}/{total:N0} done, {telemetry.Failed:N0} failed, " +
        $"{telemetry.Requests:N0} requests, {telemetry.Retries:N0} retries, {telemetry.InputTokens + telemetry.OutputTokens:N0} tokens";

    private static string Usage(CategorizationUsage usage) =>
        usage.Engine == CategorizationEngine.Offline
            ? $"Offline: {usage.Categorized:N0} categorized, {usage.Failed:N0} failed, no requests."
            : $"Used {usage.Requests:N0} requests ({usage.Retries:N0} retries), {usage.InputTokens:N0} input and {usage.OutputTokens:N0} output tokens" +
              (usage.UnreportedInputTokens > 0 ? $" ({usage.UnreportedInputTokens:N0} input tokens not reported by the endpoint, {usage.TokenCounting} here)" : "") +
              (usage.CostUsd is { } cost ? $", ${cost.ToString("0.00##", CultureInfo.InvariantCulture)}." : ".");

    private static Option<int?> Positive(string name, string what, int example) => new(name)
    {
        Description = $"A whole number of {what} (e.g. {example}).",
        HelpName = "N",
        CustomParser = result =>
        {
            if (int.TryParse(result.Tokens.SingleOrDefault()?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0) return number;
            result.AddError($"{name} needs a whole number of {what}, e.g. {name} {example}.");
            return null;
        },
    };
}

// chatorg categorize's command line, as System.CommandLine parsed and checked it.
// Period: Month or year to group by time; null to categorize by topic.
internal sealed record CategorizeArguments(
    string Path,
    string? CategoriesFile,
    string? Model,
    int? BatchSize,
    int? Concurrency,
    string? OutFile,
    bool Offline,
    bool Yes,
    PeriodLength? Period = null);
