using ChatOrganizer.Categorization;

namespace ChatOrganizer.Core.Tests.Categorization;

public class OfflineCategorizerTests
{
    [Theory]
    [InlineData("Docker build fails", "My docker container exits with an exception after the git merge", "Programming & Development")]
    [InlineData("Weekend in Lisbon", "Plan an itinerary with a hotel near the museum and a flight back", "Travel")]
    [InlineData("Index funds", "Should I invest my savings in an ETF or pay off the mortgage first?", "Finance")]
    [InlineData("Marathon plan", "A workout schedule with cardio and protein intake before the marathon", "Health & Fitness")]
    public void DefaultSetFilesByKeywords(string title, string text, string expected)
    {
        var result = new OfflineCategorizer(CategorySet.Default).Categorize(Digest(title, text));

        Assert.Equal(expected, result.Category);
        Assert.Equal(CategorizationStatus.Categorized, result.Status);
        Assert.Equal(CategorizationEngine.Offline, result.Engine);
        Assert.Null(result.Model);
    }

    [Fact]
    public void NothingRecognisableGoesToOther()
    {
        var result = new OfflineCategorizer(CategorySet.Default).Categorize(Digest("Hmm", "qwerty zxcv"));

        Assert.Equal("Other", result.Category);
    }

    [Fact]
    public void CustomSetIsScoredOnNamesAndDescriptions()
    {
        var set = new CategorySet("Hobbies", [new("Gardening", "Plants, soil, seeds"), new("Cooking", "Recipes and baking")]);

        var result = new OfflineCategorizer(set).Categorize(Digest("", "Which seeds grow in sandy soil?"));

        Assert.Equal("Gardening", result.Category);
    }

    [Fact]
    public void SetWithoutOtherFailsWithAReasonWhenNothingMatches()
    {
        var set = new CategorySet("Open", [new("Gardening")], AllowNewCategories: true);

        var result = new OfflineCategorizer(set).Categorize(Digest("Hmm", "qwerty"));

        Assert.Equal(CategorizationStatus.Failed, result.Status);
        Assert.Null(result.Category);
        Assert.Contains("no word of any category", result.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void WordsSharedByCategoriesDecideLessThanWordsOnlyOneHas()
    {
        var set = new CategorySet("Money", [new("Finance", null, ["budget"]), new("Business", null, ["budget"]), new("Travel", null, ["hotel"])]);

        var result = new OfflineCategorizer(set).Categorize(Digest("", "budget budget hotel"));

        Assert.Equal("Travel", result.Category);
    }

    private static ConversationDigest Digest(string title, string text) => new("id", title, text, 10, "hash");
}
