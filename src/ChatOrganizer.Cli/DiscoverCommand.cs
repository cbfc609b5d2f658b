using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;
using ChatOrganizer.Results;
using System.CommandLine;
using System.Globalization;

namespace ChatOrganizer.Cli;

// chatorg discover PATH ...: the export's own topics, with no categories and no model (ConversationMap.DiscoverTopics):
// each topic with its size and most typical titles on stdout, each conversation's topic to --out, and the topics as a
// category set file for categorize --categories to --save-set.
internal static class DiscoverCommand
{
    private const int TitlesShown = 3;

    public static Command Create(CliConsole console)
    {
        var command = new Command("discover",
            "Finds the topics the conversations are about, with no categories and no model, offline: each topic (named by its " +
            "most distinctive words) with its size and most typical titles on stdout; each conversation's topic to --out; the " +
            "topics as a category set file for categorize --categories to --save-set.");
        var path = CliApp.ExportPath(command);
        var topics = new Option<int?>("--topics") { Description = $"How many topics, 2 to {ConversationMap.MaxTopics} (default: chosen by fit).", HelpName = "N" };
        topics.CustomParser = result =>
        {
            if (int.TryParse(result.Tokens.FirstOrDefault()?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count is >= 2 and <= ConversationMap.MaxTopics)
                return count;
            result.AddError($"--topics needs a number of topics from 2 to {ConversationMap.MaxTopics}, e.g. --topics 8 (leave it out to have it chosen).");
            return null;
        };
        var output = new Option<string?>("--out") { Description = "Each conversation's topic: JSON, or CSV as the web app's download.", HelpName = "FILE.json|FILE.csv" };
        output.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } file && CategorizeResults.OutputFormat(file) is null)
                result.AddError($"--out {file}: the file must end in .json or .csv.");
        });
        var saveSet = new Option<string?>("--save-set") { Description = "The topics as a category set file, for categorize --categories.", HelpName = "FILE.json" };
        saveSet.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } file && CategorizeResults.OutputFormat(file) != "json")
                result.AddError($"--save-set {file}: the set is written as JSON, so the file must end in .json.");
        });
        foreach (var option in new Option[] { topics, output, saveSet }) command.Add(option);
        command.Add(path);
        command.SetAction((parsed, cancellationToken) => RunAsync(
            new DiscoverArguments(parsed.GetValue(path)!, parsed.GetValue(topics), parsed.GetValue(output), parsed.GetValue(saveSet)),
            console.Stdout, console.Stderr, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(DiscoverArguments arguments, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        // Digests are keyed by their place in the export: two conversations of one export can share an id.
        var conversations = new Dictionary<string, ResultRow>(StringComparer.Ordinal);
        var digests = new List<ConversationDigest>();
        try
        {
            var builder = DigestBuilder.For(model: null, new CategorizationOptions());
            await using var reader = await ExportReader.OpenAsync(arguments.Path, cancellationToken: cancellationToken);
            await foreach (var conversation in reader.ReadConversationsAsync(cancellationToken))
            {
                var digest = builder.Build(conversation);
                // Nothing to read (no title, no visible text): it would only pull some topic towards nothing.
                if (digest is { Title.Length: 0, Text.Length: 0 }) continue;
                var key = conversation.Location.Index.ToString(System.Globalization.CultureInfo.InvariantCulture);
                digests.Add(digest with { ConversationId = key });
                conversations[key] = ResultRow.From(conversation);
            }
        }
        catch (Exception e) when (e is ExportFormatException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"chatorg discover: cannot read {arguments.Path}: {e.Message}");
            return CliApp.InputUnreadable;
        }
        if (digests.Count == 0)
        {
            await stderr.WriteLineAsync($"chatorg discover: {arguments.Path} has no conversation with anything to read.");
            return CliApp.Ok;
        }

        await stderr.WriteLineAsync($"Finding the topics of {digests.Count:N0} conversations offline: nothing is sent anywhere.");
        var engine = OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));
        var topics = await Task.Run(() => ConversationMap.Build(engine, digests, cancellationToken).DiscoverTopics(arguments.Topics, cancellationToken), cancellationToken);

        foreach (var topic in topics)
        {
            await stdout.WriteLineAsync($"{topic.Name}  ({topic.ConversationIds.Count:N0})");
            foreach (var title in topic.ExampleTitles.Take(TitlesShown)) await stdout.WriteLineAsync($"    {title}");
        }

        if (arguments.OutFile is not null)
        {
            var rows = topics.SelectMany(t => t.ConversationIds.Select(key => conversations[key] with
            {
                Category = t.Name, Status = CategorizationStatus.Categorized, Engine = CategorizationEngine.Offline, Reason = t.Reason,
            })).OrderBy(r => r.Index).ToList();
            await CategorizeResults.WriteAsync(arguments.OutFile, rows, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {rows.Count:N0} results to {arguments.OutFile}.");
        }
        if (arguments.SetFile is not null)
        {
            var set = DiscoveredTopic.ToCategorySet($"Topics of {Path.GetFileName(Path.TrimEndingDirectorySeparator(arguments.Path))}", topics);
            await CategorySetFile.WriteAsync(arguments.SetFile, set, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {set.Categories.Count:N0} topics as a category set to {arguments.SetFile}: use it with chatorg categorize --categories {arguments.SetFile}.");
        }
        var found = topics.Count(t => !t.IsRest);
        await stderr.WriteLineAsync($"Found {found:N0} {(found == 1 ? "topic" : "topics")} in {digests.Count:N0} {(digests.Count == 1 ? "conversation" : "conversations")}.");
        return CliApp.Ok;
    }
}
