using ChatOrganizer.Results;
using System.Globalization;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

// Conversations per month, stacked by category, as geometry for a server-rendered SVG. Each series has its own
// pattern as well as its own colour, a legend and a data table, so nothing depends on telling colours apart.
public sealed record MonthlyChart(
    IReadOnlyList<ChartSeries> Series,
    IReadOnlyList<ChartMonth> Months,
    IReadOnlyList<ChartTick> Ticks,
    int Undated)
{
    public const int Width = 760;
    public const int Height = 280;
    public const int Left = 44;
    public const int Right = 8;
    public const int Top = 14;
    public const int Bottom = 46;
    public const int PlotWidth = Width - Left - Right;
    public const int PlotHeight = Height - Top - Bottom;

    // Fills (colour and pattern) for categories, styles 0–7: past eight categories, the seven largest keep theirs and the rest are summed up.
    public const int NamedStyles = 8;

    // The remainder bucket says how many categories it sums, so it cannot pass for a category named "Other".
    public static string SmallerCategories(int count) => Display.Plural(count, "smaller category", "smaller categories");

    public const int OtherStyle = 8;
    public const int NotCategorizedStyle = 9;
    public const string NotCategorized = "Not categorized";

    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    // months: The job's conversations grouped by month (keys yyyy-MM and undated), unfiltered.
    // Returns Null when no conversation has a date.
    public static MonthlyChart? From(IReadOnlyList<ResultGroup> months)
    {
        var dated = months.Where(g => g.Key != Period.UndatedKey).ToDictionary(g => g.Key, StringComparer.Ordinal);
        if (dated.Count == 0) return null;

        var byCategory = dated.Values.SelectMany(g => g.Categories)
            .GroupBy(c => c.Category, StringComparer.Ordinal)
            .Select(g => (Name: g.Key, Count: g.Sum(c => c.Count)))
            .OrderByDescending(c => c.Count).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase)
            .ToList();
        var named = (byCategory.Count <= NamedStyles ? byCategory : byCategory.Take(NamedStyles - 1)).Select(c => c.Name).ToList();
        var grouped = byCategory.Count > named.Count;
        var anyUncategorized = dated.Values.Any(g => g.Count > g.Categories.Sum(c => c.Count));

        var series = named.Select((name, i) => new ChartSeries(name, i)).ToList();
        if (grouped) series.Add(new ChartSeries(SmallerCategories(byCategory.Count - named.Count), OtherStyle));
        if (anyUncategorized) series.Add(byCategory.Count == 0 ? new ChartSeries("Conversations", 0) : new ChartSeries(NotCategorized, NotCategorizedStyle));

        var first = Month(dated.Keys.Min(StringComparer.Ordinal)!);
        var last = Month(dated.Keys.Max(StringComparer.Ordinal)!);
        var span = (last.Year - first.Year) * 12 + last.Month - first.Month + 1;
        var counts = new List<(DateTime Month, int[] Values, int Total)>(span);
        for (var m = first; m <= last; m = m.AddMonths(1))
        {
            var values = new int[series.Count];
            if (dated.TryGetValue(Period.MonthOf(m).Key, out var group))
            {
                foreach (var category in group.Categories)
                {
                    var at = named.IndexOf(category.Category);
                    values[at >= 0 ? at : named.Count] += category.Count;
                }
                if (anyUncategorized) values[^1] += group.Count - group.Categories.Sum(c => c.Count);
            }
            counts.Add((m, values, values.Sum()));
        }

        var step = TickStep(counts.Max(c => c.Total));
        var max = step * Math.Max(1, (int)Math.Ceiling(counts.Max(c => c.Total) / (double)step));
        var slot = (double)PlotWidth / span;
        var barWidth = Math.Max(2, slot * 0.72);
        var shortRange = span <= 18;
        var chartMonths = counts.Select((c, i) =>
        {
            var x = Left + i * slot + (slot - barWidth) / 2;
            var y = (double)Top + PlotHeight;
            var segments = new List<ChartSegment>();
            for (var s = 0; s < series.Count; s++)
            {
                if (c.Values[s] == 0) continue;
                var height = (double)c.Values[s] / max * PlotHeight;
                y -= height;
                segments.Add(new ChartSegment(series[s], c.Values[s], Round(y), Round(height)));
            }
            // Up to a year and a half, every month is named and years are marked below; beyond, only the years
            // (not the first bar's when a January follows too closely to leave room).
            var startsYear = c.Month.Month == 1 || (i == 0 && c.Month.Month <= 10);
            var label = shortRange ? c.Month.ToString("MMM", Culture) : startsYear ? c.Month.ToString("yyyy", Culture) : null;
            var year = shortRange && (i == 0 || c.Month.Month == 1) ? c.Month.ToString("yyyy", Culture) : null;
            return new ChartMonth(Period.MonthOf(c.Month).Label, c.Values, c.Total, Round(x), Round(barWidth), Round(x + barWidth / 2), label, year, segments);
        }).ToList();

        var ticks = Enumerable.Range(0, max / step + 1).Select(i => i * step)
            .Select(v => new ChartTick(v, Round(Top + PlotHeight - (double)v / max * PlotHeight))).ToList();
        var undated = months.Where(g => g.Key == Period.UndatedKey).Sum(g => g.Count);
        return new MonthlyChart(series, chartMonths, ticks, undated);
    }

    public string Describe() =>
        $"{Display.Plural(Months.Sum(m => m.Total), "conversation", "conversations")} from {Months[0].Label} to {Months[^1].Label}; " +
        $"the busiest month was {Months.MaxBy(m => m.Total)!.Label} with {Display.Count(Months.Max(m => m.Total))}.";

    private static DateTime Month(string key) => Period.MonthStart(key) ?? throw new FormatException($"'{key}' is not a month.");

    private static double Round(double value) => Math.Round(value, 1);

    // The smallest of 1, 2, 5, 10, 20, 50... that reaches the value in at most five gridline steps.
    private static int TickStep(int value)
    {
        for (var magnitude = 1; ; magnitude *= 10)
        {
            foreach (var step in new[] { magnitude, 2 * magnitude, 5 * magnitude })
            {
                if (value <= 5 * step) return step;
            }
        }
    }
}

// Style: Picks the series' colour and pattern (chart-s{Style}, #chart-p{Style}).
public sealed record ChartSeries(string Name, int Style);

// Values: Per series, in the order of MonthlyChart.Series.
// AxisLabel: Shown under the bar; null when this month has none.
// YearLabel: A second line under the first month and each January, for short ranges.
public sealed record ChartMonth(
    string Label, IReadOnlyList<int> Values, int Total, double X, double BarWidth, double Center, string? AxisLabel, string? YearLabel,
    IReadOnlyList<ChartSegment> Segments);

public sealed record ChartSegment(ChartSeries Series, int Count, double Y, double Height);

public sealed record ChartTick(int Value, double Y);
