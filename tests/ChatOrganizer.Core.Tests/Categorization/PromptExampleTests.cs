using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using static ChatOrganizer.Core.Tests.Categorization.CategorizerHarness;

namespace ChatOrganizer.Core.Tests.Categorization;

// Conversations the person filed themselves, shown to the model as examples: a few, short, in room a batch does not need.
public class PromptExampleTests
{
    private static readonly CategorySet Set = new("Mine", [new("Travel"), new("Cooking"), new("Music"), new("Other")]);

    private static readonly LabelledExample[] Filed =
    [
        new(new ConversationDigest("k1", "오사카 여행 계획", "User: 오사카에서 3일 동안 뭘 먹을까요? " + new string('x', 2000), 0, ""), "Travel"),
        new(new ConversationDigest("k2", "京都の紅葉", "User: 11月の京都でおすすめの場所は？", 0, ""), "travel"),
        new(new ConversationDigest("k3", "Sourdough", "User: my starter smells of acetone", 0, ""), "Cooking"),
        new(new ConversationDigest("k4", "Chord progressions", "User: a ii-V-I in B flat", 0, ""), "Music"),
        new(new ConversationDigest("k5", "Ramen broth", "User: tonkotsu at home", 0, ""), "Cooking"),
        new(new ConversationDigest("k6", "Flight to Seoul", "User: cheapest month", 0, ""), "Travel"),
        new(new ConversationDigest("k7", "Gardening", "User: tomatoes", 0, ""), "Gardening"),
    ];

    [Fact]
    public async Task EveryRequestShowsAFewCorrectedConversationsOfSeveralCategoriesWithoutMoreRequests()
    {
        await using var model = await StartAsync(o => o.BatchSize = 5);
        var taught = new CategorizationRun { Examples = Filed };

        await model.CategorizeAsync(Digests(20), Set, taught);

        var requests = model.Server.ReceivedRequests;
        Assert.Equal(4, requests.Count);
        Assert.All(requests, r =>
        {
            var lines = r.SystemMessage.Split('\n').Where(l => l.StartsWith("{\"title\":", StringComparison.Ordinal)).ToList();
            Assert.Equal(CategorizationPrompt.MaxExamples, lines.Count);
            // Newest first, one category after another: Travel, Cooking, Music, then Travel and Cooking again.
            Assert.StartsWith("{\"title\":\"오사카 여행 계획\",\"text\":\"User: 오사카에서", lines[0], StringComparison.Ordinal);
            Assert.EndsWith("\"category\":\"Travel\"}", lines[0], StringComparison.Ordinal);
            Assert.Contains("\"category\":\"Music\"}", lines[2], StringComparison.Ordinal);
            Assert.EndsWith("\"category\":\"Travel\"}", lines[3], StringComparison.Ordinal);
            Assert.DoesNotContain(lines, l => l.Contains("Gardening", StringComparison.Ordinal));
            Assert.All(lines, l => Assert.True(l.Length < 400, l));
        });
    }

    [Fact]
    public async Task NoExampleIsShownWhereAFullBatchLeavesNoRoom()
    {
        var full = new RequestCost(Set, ResponseMode.JsonSchema, TokenCounter.For("gpt-4o-mini"), ModelFamily.Of("gpt-4o-mini"), 1_000_000, 8);
        await using var model = await StartAsync(o =>
        {
            o.BatchSize = 8;
            // The smallest digest budget: the run's digests keep it, and a full batch of them fills the ceiling.
            o.DigestTokenBudget = 100;
            o.MaxRequestTokens = full.Overhead(8) + 8 * (100 + 20);
        });

        await model.CategorizeAsync(Digests(16), Set, new CategorizationRun { Examples = Filed });

        Assert.Equal(2, model.Server.ReceivedRequests.Count);
        Assert.All(model.Server.ReceivedRequests, r => Assert.DoesNotContain("filed themselves", r.SystemMessage, StringComparison.Ordinal));
    }

    [Fact]
    public void ARunWithoutCorrectionsAsksAsBefore()
    {
        var cost = new RequestCost(Set, ResponseMode.JsonSchema, TokenCounter.For("gpt-4o-mini"), ModelFamily.Of("gpt-4o-mini"), 16_000, 20, [], 400);

        Assert.Empty(cost.Examples);
        Assert.DoesNotContain("filed themselves", CategorizationPrompt.SystemMessage(Set, cost.Examples), StringComparison.Ordinal);
    }
}
