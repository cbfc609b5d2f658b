using System.Net;
using System.Net.Http.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

// "Discover topics" through the JSON API: no categories, no model, the export's own topics, kept as a set in one request.
public sealed class DiscoverTests : IAsyncLifetime
{
    // A bound for a machine shared by many builds, not a measure of speed.
    private static readonly TimeSpan Patiently = TimeSpan.FromMinutes(3);

    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().Offline();

    [Fact]
    public async Task ADiscoverJobFilesEveryConversationUnderTopicsFoundInTheExportItself()
    {
        using var client = _app.CreateClient();

        var job = await client.UploadAsync(TopicalExport.Json(), "discover");
        var done = await client.WaitUntilEndedAsync(job.Id, Patiently);
        var results = await client.ResultsAsync(job.Id);
        var log = await client.LogAsync(job.Id);

        Assert.Equal((JobStatus.Done, JobMode.Discover, 18, 18, 0), (done.Status, done.Mode, done.Read, done.Categorized, done.Failed));
        Assert.Equal(18, results.Groups.Sum(g => g.Count));
        // Each subject in a topic of its own, named by its words.
        var topicOf = results.Groups.SelectMany(g => g.Conversations.Select(c => (c.Index, g.Key))).ToDictionary(x => x.Index, x => x.Key);
        var topics = TopicalExport.Subjects.Select((_, s) => Enumerable.Range(0, 18).Where(i => i % 3 == s).Select(i => topicOf[i]).Distinct().ToList()).ToList();
        Assert.All(topics, t => Assert.Single(t));
        Assert.Equal(3, topics.Select(t => t[0]).Distinct().Count());
        Assert.Contains("bread", topics[0][0], StringComparison.OrdinalIgnoreCase);
        Assert.Contains("python", topics[1][0], StringComparison.OrdinalIgnoreCase);
        Assert.All(results.Groups.SelectMany(g => g.Conversations), c => Assert.Equal((CategorizationEngine.Offline, CategorizationStatus.Categorized), (c.Engine, c.Status)));
        Assert.Contains(log.Entries, e => e.Message.StartsWith("Found 3 topics in 18 conversations", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheTopicsFoundBecomeACategorySetThatALaterTopicJobFilesBy()
    {
        using var client = _app.CreateClient();
        var discover = await client.UploadAsync(TopicalExport.Json(), "discover");
        await client.WaitUntilEndedAsync(discover.Id, Patiently);
        var found = (await client.ResultsAsync(discover.Id)).Groups.Select(g => g.Key).ToList();

        using var made = await client.PostAsync(new Uri($"/api/jobs/{discover.Id}/category-set", UriKind.Relative), null);
        var set = (await made.Content.ReadFromJsonAsync<CategorySetView>(JobApi.Json))!;
        var topic = await client.UploadAsync(TopicalExport.Json(), "topic", categorySetId: set.Id);
        var done = await client.WaitUntilEndedAsync(topic.Id, Patiently);
        var filed = await client.ResultsAsync(topic.Id);

        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        Assert.Equal($"/api/category-sets/{set.Id}", made.Headers.Location?.OriginalString);
        Assert.Equal("Topics of conversations.json", set.Name);
        Assert.Equal(found.Order(StringComparer.Ordinal), set.Categories.Select(c => c.Name).Where(n => !CategorySet.IsOther(n)).Order(StringComparer.Ordinal));
        Assert.All(set.Categories.Where(c => !CategorySet.IsOther(c.Name)), c => Assert.StartsWith("Conversations like: ", c.Description, StringComparison.Ordinal));
        Assert.Equal((JobStatus.Done, set.Id, 18), (done.Status, done.CategorySetId, done.Categorized));
        // The later run files each subject together again, under the set's names.
        var topicOf = filed.Groups.SelectMany(g => g.Conversations.Select(c => (c.Index, g.Key))).ToDictionary(x => x.Index, x => x.Key);
        Assert.All(topicOf.Values, name => Assert.Contains(name, set.Categories.Select(c => c.Name)));
        Assert.All(Enumerable.Range(0, 3), s => Assert.Single(Enumerable.Range(0, 18).Where(i => i % 3 == s).Select(i => topicOf[i]).Distinct()));
    }

    [Fact]
    public async Task OnlyAFinishedDiscoverJobOfTheSessionBecomesASet()
    {
        using var owner = _app.CreateClient();
        using var stranger = _app.CreateClient();
        var byMonth = await owner.UploadAsync(TopicalExport.Json(), "month");
        var discover = await owner.UploadAsync(TopicalExport.Json(), "discover");
        await owner.WaitUntilEndedAsync(byMonth.Id, Patiently);
        await owner.WaitUntilEndedAsync(discover.Id, Patiently);

        using var notDiscover = await owner.PostAsync(new Uri($"/api/jobs/{byMonth.Id}/category-set", UriKind.Relative), null);
        using var notTheirs = await stranger.PostAsync(new Uri($"/api/jobs/{discover.Id}/category-set", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.NotFound, notDiscover.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notTheirs.StatusCode);
        Assert.Contains("no finished discover job", await notTheirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(discover.Id, await stranger.GetStringAsync(new Uri("/api/category-sets", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain("Topics of", await stranger.GetStringAsync(new Uri("/api/category-sets", UriKind.Relative)), StringComparison.Ordinal);
    }

    public Task InitializeAsync() => OfflineReady.WarmAsync(_app);

    public async Task DisposeAsync() => await _app.DisposeAsync();
}
