using System.Globalization;

namespace ChatOrganizer.Results;

// A month (yyyy-MM, "March 2024") or year (yyyy) a conversation falls in, or undated: how the web
// app, its downloads and the CLI group by time. UTC: the export's times are UTC and a server has no idea of the
// person's zone.
public sealed record Period(string Key, string Label)
{
    public const string UndatedKey = "undated";
    public const string MonthFormat = "yyyy-MM";
    public const string YearFormat = "yyyy";

    public static Period Undated { get; } = new(UndatedKey, "No date");

    public static Period MonthOf(DateTime? utc) =>
        utc is { } t ? new(t.ToString(MonthFormat, CultureInfo.InvariantCulture), t.ToString("MMMM yyyy", CultureInfo.InvariantCulture)) : Undated;

    public static Period YearOf(DateTime? utc) =>
        utc is { } t ? new(t.ToString(YearFormat, CultureInfo.InvariantCulture), t.ToString(YearFormat, CultureInfo.InvariantCulture)) : Undated;

    public static Period Of(DateTime? utc, PeriodLength length) => length == PeriodLength.Month ? MonthOf(utc) : YearOf(utc);

    // The first day of a month key (yyyy-MM); null for undated or anything else.
    public static DateTime? MonthStart(string key) =>
        DateTime.TryParseExact(key, MonthFormat, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var month)
            ? month
            : null;
}

public enum PeriodLength
{
    Month,
    Year,
}
