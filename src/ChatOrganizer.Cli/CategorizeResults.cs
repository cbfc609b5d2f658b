using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatOrganizer.Categorization;
using ChatOrganizer.Results;

namespace ChatOrganizer.Cli;

// What chatorg categorize writes: results to a JSON or CSV file (the web app's download schema), and a summary by group.
internal static class CategorizeResults
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        WriteIndented = true,
    };

    public static string? OutputFormat(string file) =>
        Path.GetExtension(file).ToUpperInvariant() switch
        {
            ".JSON" => "json",
            ".CSV" => "csv",
            _ => null,
        };

    public static async Task WriteAsync(string path, IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken)
    {
        // Written beside the target and moved over it, so an interrupted run never leaves half a file.
        var temporary = path + ".partial";
        await using (var stream = File.Create(temporary))
        {
            if (OutputFormat(path) == "csv") await ResultsCsv.WriteAsync(stream, rows, cancellationToken);
            else await JsonSerializer.SerializeAsync(stream, rows, Json, cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
    }

    // Counts by category, largest first, then the failed ones with their reasons.
    public static async Task WriteTopicSummaryAsync(TextWriter stdout, IReadOnlyList<ResultRow> rows)
    {
        var groups = rows.Where(r => r.Category is not null).GroupBy(r => r.Category!)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count())).ToList();
        var failed = rows.Where(r => r.Status == CategorizationStatus.Failed).ToList();
        var width = Math.Max(groups.Select(g => g.Key.Length).DefaultIfEmpty(0).Max(), failed.Count > 0 ? "failed".Length : 0);
        foreach (var (label, count) in groups) await stdout.WriteLineAsync($"{label.PadRight(width)}  {count,6:N0}");
        if (failed.Count == 0) return;
        await stdout.WriteLineAsync($"{"failed".PadRight(width)}  {failed.Count,6:N0}");
        foreach (var row in failed.Take(20)) await stdout.WriteLineAsync($"  {row.Id}: {row.FailureReason}");
        if (failed.Count > 20) await stdout.WriteLineAsync($"  ... and {failed.Count - 20:N0} more (see --out).");
    }

    // Counts by month or year, in time order, "No date" last.
    public static async Task WritePeriodSummaryAsync(TextWriter stdout, IReadOnlyList<ResultRow> rows, PeriodLength length)
    {
        var groups = rows.GroupBy(r => Period.Of(r.Created, length))
            .OrderBy(g => g.Key == Period.Undated).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => (g.Key.Label, g.Count())).ToList();
        var width = groups.Select(g => g.Label.Length).DefaultIfEmpty(0).Max();
        foreach (var (label, count) in groups) await stdout.WriteLineAsync($"{label.PadRight(width)}  {count,6:N0}");
    }
}
