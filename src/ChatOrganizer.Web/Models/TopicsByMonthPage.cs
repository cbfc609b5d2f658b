using ChatOrganizer.Web.Jobs;

namespace ChatOrganizer.Web.Models;

// How each category's share of the conversations changes from month to month: the chart's series (the seven largest
// categories, the rest summed up) as percentages of each month, drawn as a bar of 100% and given as a table.
//
// Chart: Null when no conversation has a date.
public sealed record TopicsByMonthPage(JobProgress Job, MonthlyChart? Chart)
{
    // Months with conversations, oldest first (the way a trend reads).
    public IEnumerable<ChartMonth> Months => Chart?.Months.Where(m => m.Total > 0) ?? [];

    public static double Share(ChartMonth month, int series) => month.Total == 0 ? 0 : 100.0 * month.Values[series] / month.Total;

    // Where each series' piece of the 100% bar starts and how wide it is, in percent.
    public static IEnumerable<(ChartSeries Series, double Start, double Width, double Share)> Pieces(MonthlyChart chart, ChartMonth month)
    {
        var start = 0.0;
        for (var s = 0; s < chart.Series.Count; s++)
        {
            var share = Share(month, s);
            if (share > 0) yield return (chart.Series[s], Math.Round(start, 2), Math.Round(share, 2), share);
            start += share;
        }
    }
}
