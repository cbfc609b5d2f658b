using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

public sealed class ResultsTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private static DateTime Day(int month, int day) => new(2024, month, day, 12, 0, 0, DateTimeKind.Utc);

    private async Task<string> SeedFourConversationsAsync(string owner)
    {
        var job = await fixture.App.JobAsync(owner, JobStatus.Done);
        var now = DateTime.UtcNow;
        await fixture.App.AddAsync(
            new StoredConversation { JobId = job.Id, Index = 0, ConversationId = "a", Title = "Pasta", CreateTime = Day(1, 15), MessageCount = 2 },
            new StoredConversation { JobId = job.Id, Index = 1, ConversationId = "b", Title = "Bread", CreateTime = Day(1, 20), MessageCount = 4 },
            new StoredConversation { JobId = job.Id, Index = 2, ConversationId = "c", Title = "Rome", CreateTime = Day(2, 2), MessageCount = 6 },
            new StoredConversation { JobId = job.Id, Index = 3, ConversationId = "d", Title = "???", CreateTime = null, MessageCount = 1 },
            new ConversationResult { JobId = job.Id, Index = 0, Status = CategorizationStatus.Categorized, Category = "Cooking", Engine = CategorizationEngine.Model, Model = "gpt-4o-mini", At = now },
            new ConversationResult { JobId = job.Id, Index = 1, Status = CategorizationStatus.Categorized, Category = "Cooking", Engine = CategorizationEngine.Model, Model = "gpt-4o-mini", At = now },
            new ConversationResult { JobId = job.Id, Index = 2, Status = CategorizationStatus.Categorized, Category = "Travel", Engine = CategorizationEngine.Model, Model = "gpt-4o-mini", At = now },
            new ConversationResult { JobId = job.Id, Index = 3, Status = CategorizationStatus.Failed, Engine = CategorizationEngine.Model, FailureReason = "The model left it out three times.", At = now });
        return job.Id;
    }

    private async Task<JobResults?> QueryAsync(string owner, string jobId, GroupBy groupBy)
    {
        using var scope = fixture.App.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ResultsQuery>().GetAsync(owner, jobId, groupBy, CancellationToken.None);
    }

    [Fact]
    public async Task ByTopicGroupsAreCategoriesLargestFirstAndFailuresAreListedApartWithReasons()
    {
        var jobId = await SeedFourConversationsAsync("me");

        var results = await QueryAsync("me", jobId, GroupBy.Topic);

        Assert.Equal([("Cooking", 2), ("Travel", 1)], results!.Groups.Select(g => (g.Label, g.Count)));
        Assert.Equal(["Bread", "Pasta"], results.Groups[0].Conversations.Select(c => c.Title)); // newest first
        var failed = Assert.Single(results.Failed);
        Assert.Equal(("???", "The model left it out three times."), (failed.Title, failed.FailureReason));
        Assert.Equal((4, 0), (results.Total, results.Pending));
    }

    [Fact]
    public async Task ByMonthAndYearGroupsArePeriodsNewestFirstWithTheirCategoriesInside()
    {
        var jobId = await SeedFourConversationsAsync("me");

        var months = await QueryAsync("me", jobId, GroupBy.Month);
        var years = await QueryAsync("me", jobId, GroupBy.Year);

        Assert.Equal([("2024-02", "February 2024", 1), ("2024-01", "January 2024", 2), ("undated", "No date", 1)], months!.Groups.Select(g => (g.Key, g.Label, g.Count)));
        Assert.Equal([new CategoryCount("Cooking", 2)], months.Groups[1].Categories);
        Assert.Equal([("2024", 3), ("undated", 1)], years!.Groups.Select(g => (g.Key, g.Count)));
    }

    [Fact]
    public async Task AnotherSessionGetsNoResults()
    {
        var jobId = await SeedFourConversationsAsync("me");

        Assert.Null(await QueryAsync("someone else", jobId, GroupBy.Topic));
    }

    [Fact]
    public async Task TheViewerGetsTheActivePathWithEditedMessagesAlternativesAndCustomInstructions()
    {
        var job = await fixture.App.JobAsync("me", JobStatus.Done, JobMode.Month);
        var conversation = SampleConversations.RegeneratedAnswer();
        await fixture.App.AddAsync(
            new StoredConversation { JobId = job.Id, Index = 0, ConversationId = conversation.Id, Title = conversation.Title },
            new ConversationTranscript { JobId = job.Id, Index = 0, Content = TranscriptDocument.From(conversation).Compress() });
        using var scope = fixture.App.Services.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<ConversationStore>();

        var detail = await store.GetAsync("me", job.Id, 0, CancellationToken.None);
        var stranger = await store.GetAsync("someone else", job.Id, 0, CancellationToken.None);

        Assert.Null(stranger);
        Assert.Equal(["How do I bake bread?", "Use a hot oven."], detail!.Messages.Select(t => t.Message.Text));
        var alternative = Assert.Single(detail.Messages[1].Alternatives);
        Assert.Equal(["Use flour and water."], alternative.Messages.Select(m => m.Text));
        Assert.Equal("I bake on weekends.", detail.CustomInstructions?.AboutUser);
        Assert.Empty(detail.Messages[0].Alternatives);
        var all = await store.ReadAllAsync("me", job.Id, CancellationToken.None).ToListAsync();
        Assert.Equal(["bread"], all.Select(t => t.Transcript.ConversationId));
        Assert.Empty(await store.ReadAllAsync("someone else", job.Id, CancellationToken.None).ToListAsync());
    }
}
