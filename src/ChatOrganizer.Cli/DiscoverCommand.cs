using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;

namespace ChatOrganizer.Cli;

// chatorg discover PATH ...: the export's own topics, with no categories and no model (ConversationMap.DiscoverTopics):
// each topic with its size and most typical titles on stdout, each conversation's topic to --out, and the topics as a
// category set file for categorize --categories to --save-set.
internal static class DiscoverCommand
{
    private const int TitlesShown = 3;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var (arguments, error) = DiscoverArguments.Parse(args);
        if (arguments is null)
        {
            await stderr.WriteLineAsync($"chatorg discover: {error}");
            await stderr.WriteLineAsync(CliApp.Usage);
            return CliApp.UsageError;
        }

        // Digests are keyed by their place in the export: two conversations of one export can share an id.
        var conversations = new Dictionary<string, (string Id, string? Title)>(StringComparer.Ordinal);
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
                conversations[key] = (digest.ConversationId, conversation.Title);
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
            var rows = topics.SelectMany(t => t.ConversationIds.Select(key => new CategorizeResults.ResultRow(
                conversations[key].Id, conversations[key].Title, t.Name, "categorized", "offline", Model: null, FailureReason: null, Reason: t.Reason))).ToList();
            await CategorizeResults.WriteAsync(arguments.OutFile, rows, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {rows.Count:N0} results to {arguments.OutFile}.");
        }
        if (arguments.SetFile is not null)
        {
            var set = DiscoveredTopic.ToCategorySet($"Topics of {Path.GetFileName(Path.TrimEndingDirectorySeparator(arguments.Path))}", topics);
            await CategorySetFile.WriteAsync(arguments.SetFile, set, CancellationToken.None);
            await stderr.WriteLineAsync($"Wrote {set.Categories.Count:N0} topics as a category set to {arguments.SetFile}: use it with chatorg categorize --categories {arguments.SetFile}.");
        }
        await stderr.WriteLineAsync($"Found {topics.Count(t => !t.IsRest):N0} topics in {digests.Count:N0} conversations.");
        return CliApp.Ok;
    }
}
