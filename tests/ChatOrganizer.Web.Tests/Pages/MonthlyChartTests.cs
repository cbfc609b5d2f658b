using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class MonthlyChartTests
{
    [Theory]
    [InlineData(2, new[] { 0, 1, 2 })]
    [InlineData(5, new[] { 0, 1, 2, 3, 4, 5 })]
    [InlineData(30, new[] { 0, 10, 20, 30 })]
    [InlineData(101, new[] { 0, 50, 100, 150 })]
    public void GridlinesAreRoundNumbersThatReachTheBusiestMonth(int busiest, int[] ticks)
    {
        var chart = MonthlyChart.From([Month("2024-01", busiest)])!;

        Assert.Equal(ticks, chart.Ticks.Select(t => t.Value));
    }

    [Fact]
    public void PastEightCategoriesTheSevenLargestKeepTheirFillAndTheRestAreSummedUp()
    {
        var categories = Enumerable.Range(1, 10).Select(i => new CategoryCount($"C{i}", 20 - i)).ToList();

        var chart = MonthlyChart.From([Month("2024-01", categories.Sum(c => c.Count) + 3, categories)])!;

        Assert.Equal(["C1", "C2", "C3", "C4", "C5", "C6", "C7", "3 smaller categories", MonthlyChart.NotCategorized], chart.Series.Select(s => s.Name));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, MonthlyChart.OtherStyle, MonthlyChart.NotCategorizedStyle], chart.Series.Select(s => s.Style));
        Assert.Equal([19, 18, 17, 16, 15, 14, 13, 12 + 11 + 10, 3], chart.Months.Single().Values);
    }

    [Fact]
    public void MonthsBetweenTheFirstAndLastAreBarsEvenWhenEmptyAndUndatedOnesAreCounted()
    {
        var chart = MonthlyChart.From([Month("2023-11", 1), Month("2024-02", 2), new ResultGroup("undated", "No date", 4, [], [])])!;

        Assert.Equal(["November 2023", "December 2023", "January 2024", "February 2024"], chart.Months.Select(m => m.Label));
        Assert.Equal([1, 0, 0, 2], chart.Months.Select(m => m.Total));
        Assert.Equal(4, chart.Undated);
        Assert.Equal(["Nov", "Dec", "Jan", "Feb"], chart.Months.Select(m => m.AxisLabel));
        Assert.Equal(["2023", null, "2024", null], chart.Months.Select(m => m.YearLabel));
    }

    [Fact]
    public void NoDatedConversationMeansNoChart() =>
        Assert.Null(MonthlyChart.From([new ResultGroup("undated", "No date", 4, [], [])]));

    private static ResultGroup Month(string key, int count, IReadOnlyList<CategoryCount>? categories = null) =>
        new(key, key, count, categories ?? [], []);
}
