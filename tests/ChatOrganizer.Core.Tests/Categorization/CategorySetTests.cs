using ChatOrganizer.Categorization;

namespace ChatOrganizer.Core.Tests.Categorization;

public class CategorySetTests
{
    [Fact]
    public void DefaultSetHasAboutTenTopicsWithDescriptionsKeywordsAndOther()
    {
        var set = CategorySet.Default;

        Assert.InRange(set.Categories.Count, 10, 12);
        Assert.False(set.AllowNewCategories);
        Assert.Equal("Other", set.Categories[^1].Name);
        Assert.All(set.Categories, c => Assert.False(string.IsNullOrWhiteSpace(c.Description)));
        Assert.All(set.Categories.SkipLast(1), c => Assert.True(c.Keywords?.Count >= 10, c.Name));
        Assert.Empty(set.Validate());
    }

    [Fact]
    public void SetWithoutOtherGetsOtherWhenNewCategoriesAreNotAllowed()
    {
        var set = new CategorySet("Mine", [new("Work"), new("Home")]);

        Assert.Equal(["Work", "Home", "Other"], set.EffectiveCategories.Select(c => c.Name));
    }

    [Fact]
    public void SetAllowingNewCategoriesGetsNoOther()
    {
        var set = new CategorySet("Mine", [new("Work"), new("Home")], AllowNewCategories: true);

        Assert.Equal(["Work", "Home"], set.EffectiveCategories.Select(c => c.Name));
    }

    [Fact]
    public void HashChangesWithNamesDescriptionsAndNewCategoryOptionButNotKeywordsOrSetName()
    {
        var set = new CategorySet("Mine", [new("Work", "Jobs"), new("Home")]);
        var hash = set.ComputeHash();

        Assert.Equal(hash, (set with { Name = "Renamed" }).ComputeHash());
        Assert.Equal(hash, new CategorySet("Mine", [new("Work", "Jobs", ["office"]), new("Home")]).ComputeHash());
        Assert.NotEqual(hash, new CategorySet("Mine", [new("Work", "Employment"), new("Home")]).ComputeHash());
        Assert.NotEqual(hash, new CategorySet("Mine", [new("Work", "Jobs"), new("House")]).ComputeHash());
        Assert.NotEqual(hash, (set with { AllowNewCategories = true }).ComputeHash());
    }

    [Fact]
    public void ValidationReportsEveryProblem()
    {
        var set = new CategorySet("", [new("Work"), new(" "), new("work"), new(new string('x', 61))]);

        var problems = set.Validate();

        Assert.Equal(4, problems.Count);
        Assert.Contains(problems, p => p.Contains("needs a name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("Category 2 needs a name", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'Work' appears 2 times", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("longer than 60", StringComparison.Ordinal));
    }

    [Fact]
    public void FindIgnoresCaseAndSpaces()
    {
        Assert.Equal("Travel", CategorySet.Default.Find(" travel ")?.Name);
        Assert.Null(CategorySet.Default.Find("Uncategorized"));
    }
}
