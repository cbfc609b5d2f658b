using ChatOrganizer.Results;

namespace ChatOrganizer.Core.Tests.Results;

public sealed class PeriodTests
{
    [Fact]
    public void AMonthIsItsUtcMonthWithAKeyThatSortsAndALabelAPersonReads()
    {
        var period = Period.MonthOf(new DateTime(2024, 3, 31, 23, 30, 0, DateTimeKind.Utc));

        Assert.Equal(("2024-03", "March 2024"), (period.Key, period.Label));
        Assert.Equal(new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc), Period.MonthStart(period.Key));
    }

    [Fact]
    public void NoTimeIsUndatedWhicheverTheLength()
    {
        Assert.Same(Period.Undated, Period.MonthOf(null));
        Assert.Same(Period.Undated, Period.YearOf(null));
        Assert.Equal(("undated", "No date"), (Period.Undated.Key, Period.Undated.Label));
        Assert.Null(Period.MonthStart(Period.UndatedKey));
    }

    [Fact]
    public void AYearIsFourDigits() =>
        Assert.Equal(new Period("2025", "2025"), Period.Of(new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc), PeriodLength.Year));
}
