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

public sealed class CategorySetCreateTests
{
    [Fact]
    public void ASetAsWrittenIsTrimmedAndBlankWordsDropped()
    {
        var (set, problems) = CategorySet.Create("  여행과 돈 ",
            [new Category(" 旅行 ", "  trips and visas ", [" 비자 ", "  "], ["   "]), new Category("Money", "   ")], allowNewCategories: false);

        Assert.Empty(problems);
        Assert.Equal("여행과 돈", set!.Name);
        Assert.Equal(("旅行", "trips and visas"), (set.Categories[0].Name, set.Categories[0].Description));
        Assert.Equal(["비자"], set.Categories[0].Keywords);
        Assert.Null(set.Categories[0].Examples);
        Assert.Null(set.Categories[1].Description);
    }

    [Theory]
    [InlineData(201, 10, 10, "The set's name is longer than 200 characters.")]
    [InlineData(10, 61, 10, "is longer than 60 characters.")]
    [InlineData(10, 10, 501, "Category descriptions can be at most 500 characters.")]
    public void OverALimitIsAProblemNamingIt(int name, int category, int description, string expected)
    {
        var (set, problems) = CategorySet.Create(new string('名', name), [new Category(new string('類', category), new string('説', description))], false);

        Assert.Null(set);
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void AtTheLimitsASetIsFine()
    {
        var (set, problems) = CategorySet.Create(new string('名', 200), [new Category(new string('類', 60), new string('説', 500))], false);

        Assert.Empty(problems);
        Assert.NotNull(set);
    }
}
