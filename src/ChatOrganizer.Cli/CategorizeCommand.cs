using System.Globalization;
using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Cli;

// chatorg categorize PATH ...: the web app's engine without the web app. Reads the export, shows the estimate
// (and asks, unless --yes), categorizes with a progress line on stderr, writes results and a summary.
internal static class CategorizeCommand
{
    // The run did not complete: the endpoint refused it, the estimate was declined, or Ctrl+C.
    public const int RunFailed = 3;

    public static Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // .env in the working directory, as for the web app; real environment variables win.
        if (File.Exists(".env")) DotNetEnv.Env.NoClobber().Load(".env");
        return RunAsync(args, Console.In, stdout, stderr, Environment.GetEnvironmentVariable, cancellationToken);
    }

    public static async Task<int> RunAsync(
        string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, Func<string, string?> environment, CancellationToken cancellationToken)
    {
        var (arguments, error) = CategorizeArguments.Parse(args);
        if (arguments is null) return await UsageAsync(stderr, error!);

        var options = new CategorizationOptions().ApplyEnvironment(environment);
        if (arguments.Model is not null) options.Model = arguments.Model;
        if (arguments.BatchSize is { } size) options.BatchSize = size;
        if (arguments.Concurrency is { } concurrency) options.MaxConcurrency = concurrency;
        if (options.Validate() is { Count: > 0 } problems) return await UsageAsync(stderr, string.Join(" ", problems));

        var set = CategorySet.Default;
        if (arguments.CategoriesFile is not null)
        {
            (set, error) = await CategorySetFile.ReadAsync(arguments.CategoriesFile, cancellationToken);
            if (set is null)
            {
                await stderr.WriteLineAsync($"chatorg categorize: {error}");
                return CliApp.InputUnreadable;
            }
        }

        var categorizer = new BatchCategorizer(Options.Create(options), new InMemoryCategorizationCache(),
            responseModes: ResponseModeFile.InCacheFolder(environment));
        var said = new Lock();
        var telemetry = new CategorizationTelemetry(e =>
        {
            // Said once a run, in words: which mode the endpoint answers in, and tokens it does not report.
            var sentence = e switch
            {
                CategorizationEvent.ResponseModeChosen chosen => chosen.Sentence,
                CategorizationEvent.UsageNotReported unreported => unreported.Sentence,
                _ => null,
            };
            if (sentence is null) return;
            lock (said) stderr.WriteLine($"\r{sentence}");
        });
        var run = new CategorizationRun { Offline = arguments.Offline, Telemetry = telemetry };

        var titles = new Dictionary<string, string?>(StringComparer.Ordinal);
        var digests = new List<ConversationDigest>();
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
                digests.Add(digest);
                titles[digest.ConversationId] = conversation.Title;
            }
        }
        catch (Exception e) when (e is ExportFormatException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"chatorg categorize: cannot read {arguments.Path}: {e.Message}");
            return CliApp.InputUnreadable;
        }

        if (!await ConfirmAsync(categorizer, digests, set, run, arguments, stdin, stderr, cancellationToken)) return RunFailed;

        var assignments = new List<CategoryAssignment>();
        var exitCode = CliApp.Ok;
        try
        {
            await foreach (var batch in categorizer.CategorizeAsync(digests, set, run, cancellationToken))
            {
                assignments.AddRange(batch.Assignments);
                await stderr.WriteAsync($"\r{Progress(telemetry, digests.Count)}");
            }
            await stderr.WriteLineAsync();
        }
        catch (CategorizationRunFailedException e)
        {
            await stderr.WriteLineAsync($"\nchatorg categorize: {e.Message}");
            exitCode = RunFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await stderr.WriteLineAsync($"\nchatorg categorize: cancelled; {assignments.Count:N0} of {digests.Count:N0} conversations finished.");
            exitCode = RunFailed;
        }

        // What finished is written even when the run stopped early: it was paid for.
        var rows = CategorizeResults.Rows(assignments, titles);
        if (arguments.OutFile is not null && rows.Count > 0)
        {
            await CategorizeResults.WriteAsync(arguments.OutFile, rows, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {rows.Count:N0} results to {arguments.OutFile}.");
        }
        await CategorizeResults.WriteSummaryAsync(stdout, rows);
        await stderr.WriteLineAsync(Usage(telemetry.Snapshot()));
        return exitCode;
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

    private static async Task<int> UsageAsync(TextWriter stderr, string error)
    {
        await stderr.WriteLineAsync($"chatorg categorize: {error}");
        await stderr.WriteLineAsync(CliApp.Usage);
        return CliApp.UsageError;
    }
}
