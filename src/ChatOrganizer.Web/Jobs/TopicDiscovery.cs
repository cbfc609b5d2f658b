using System.Text.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// A discover job's one step after reading: clusters the stored digests (ConversationMap.DiscoverTopics),
// files each conversation under its topic's name and keeps the topics as a set's categories, for "Make these a
// category set".
public sealed class TopicDiscovery(IDbContextFactory<ChatOrganizerDb> dbs, OfflineEngine offline, JobLogWriter log, TimeProvider time)
{
    private const int SaveBatch = 1000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task RunAsync(string jobId, CancellationToken cancellationToken)
    {
        // The digests are let go once embedded: the map keeps only what topics need (vectors, terms, titles).
        var map = await Task.Run(async () => await DigestsAsync(jobId, cancellationToken) is { Count: > 0 } digests
            ? ConversationMap.Build(offline, digests, cancellationToken)
            : null, cancellationToken);
        if (map is null) return;
        var topics = await Task.Run(() => map.DiscoverTopics(cancellationToken: cancellationToken), cancellationToken);
        var set = DiscoveredTopic.ToCategorySet("Discovered topics", topics);

        // Each conversation under its topic's name in the set (cut to length, made unique), so a later run's set matches.
        var names = topics.Where(t => !t.IsRest).Zip(set.Categories, (topic, category) => (topic, category.Name))
            .ToDictionary(x => x.topic, x => x.Name);
        var now = time.GetUtcNow().UtcDateTime;
        var results = topics.SelectMany(t => t.ConversationIds.Select(id => new ConversationResult
        {
            JobId = jobId,
            Index = int.Parse(id, System.Globalization.CultureInfo.InvariantCulture),
            Status = CategorizationStatus.Categorized,
            Category = names.GetValueOrDefault(t) ?? CategorySet.OtherName,
            Engine = CategorizationEngine.Offline,
            Reason = ChatOrganizerDb.Lengths.Fit(t.Reason, ChatOrganizerDb.Lengths.Explanation),
            At = now,
        })).ToList();
        var categories = set.Categories.Select(c => new CategoryInput(c.Name, ChatOrganizerDb.Lengths.Fit(c.Description ?? "", CategorySet.MaxDescriptionLength), c.Keywords)).ToList();

        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            foreach (var chunk in results.Chunk(SaveBatch))
            {
                db.Results.AddRange(chunk);
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
            var json = JsonSerializer.Serialize(categories, Json);
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Categorized, results.Count)
                .SetProperty(j => j.DiscoveredTopicsJson, json), cancellationToken);
        }
        await log.WriteAsync(jobId, JobLogLevel.Info,
            $"Found {Display.Plural(set.Categories.Count, "topic", "topics")} in {Display.Plural(map.Count, "conversation", "conversations")}{(topics.SingleOrDefault(t => t.IsRest) is { } rest ? $"; {Display.Plural(rest.ConversationIds.Count, "close to none of them is", "close to none of them are")} under Other" : "")}.",
            cancellationToken);
    }

    private async Task<List<ConversationDigest>> DigestsAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        // Run again after a crash: topics found before are found again from every conversation, not from those left.
        await db.Results.Where(r => r.JobId == jobId && r.Status == CategorizationStatus.Categorized).ExecuteDeleteAsync(cancellationToken);
        return await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && !db.Results.Any(r => r.JobId == jobId && r.Index == c.Index))
            .OrderBy(c => c.Index)
            .Select(c => new ConversationDigest(c.Index.ToString(), c.DigestTitle ?? "", c.DigestText ?? "", c.DigestTokens, c.DigestHash ?? ""))
            .ToListAsync(cancellationToken);
    }

    // A discover job's topics as a set's categories; null when it found none (or is no discover job).
    public static IReadOnlyList<CategoryInput>? Categories(string? json) =>
        json is null ? null : JsonSerializer.Deserialize<List<CategoryInput>>(json, Json);

}
