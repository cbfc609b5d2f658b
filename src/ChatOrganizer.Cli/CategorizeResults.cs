using System.Text.Encodings.Web;
using System.Text.Json;
using ChatOrganizer.Categorization;
using CsvHelper;

namespace ChatOrganizer.Cli;

// What chatorg categorize writes: results to a JSON or CSV file, and a summary by category.
internal static class CategorizeResults
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    public static IReadOnlyList<ResultRow> Rows(IEnumerable<CategoryAssignment> assignments, IReadOnlyDictionary<string, string?> titles) =>
        [.. assignments.Select(a => new ResultRow(
            a.ConversationId,
            titles.GetValueOrDefault(a.ConversationId),
            a.Category,
            a.Status.ToString().ToLowerInvariant(),
            a.Engine.ToString().ToLowerInvariant(),
            a.Model,
            a.FailureReason,
            a.Confidence,
            a.Reason))];

    public static async Task WriteAsync(string path, IReadOnlyList<ResultRow> rows, CancellationToken cancellationToken)
    {
        // Written beside the target and moved over it, so an interrupted run never leaves half a file.
        var temporary = path + ".partial";
        await using (var stream = File.Create(temporary))
        {
            if (CategorizeArguments.OutputFormat(path) == "csv")
            {
                // Titles are the person's words: one starting with '=' must not run as a spreadsheet formula.
                await using var csv = CsvWriter.Create(stream, new CsvWriterOptions { Injection = CsvInjection.Escape }, leaveOpen: true);
                csv.WriteHeader(["id", "title", "category", "status", "engine", "model", "failureReason", "confidence", "reason"]);
                foreach (var row in rows)
                {
                    await csv.WriteRecordAsync(
                        [row.Id, row.Title, row.Category, row.Status, row.Engine, row.Model, row.FailureReason,
                         row.Confidence?.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), row.Reason], cancellationToken);
                }
            }
            else
            {
                await JsonSerializer.SerializeAsync(stream, rows, Json, cancellationToken);
            }
        }
        File.Move(temporary, path, overwrite: true);
    }

    public static async Task WriteSummaryAsync(TextWriter stdout, IReadOnlyList<ResultRow> rows)
    {
        var width = rows.Select(r => r.Category?.Length ?? 0).DefaultIfEmpty(0).Max();
        foreach (var group in rows.Where(r => r.Category is not null).GroupBy(r => r.Category!).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            await stdout.WriteLineAsync($"{group.Key.PadRight(width)}  {group.Count(),6:N0}");
        }
        var failed = rows.Where(r => r.Status == "failed").ToList();
        if (failed.Count == 0) return;
        await stdout.WriteLineAsync($"{"failed".PadRight(width)}  {failed.Count,6:N0}");
        foreach (var row in failed.Take(20)) await stdout.WriteLineAsync($"  {row.Id}: {row.FailureReason}");
        if (failed.Count > 20) await stdout.WriteLineAsync($"  ... and {failed.Count - 20:N0} more (see --out).");
    }

    /// <param name="Confidence">How sure the engine was, 0 to 1 (the offline categorizer says; a model does not).</param>
    /// <param name="Reason">Why it was filed there, for a person to read.</param>
    public sealed record ResultRow(
        string Id, string? Title, string? Category, string Status, string Engine, string? Model, string? FailureReason,
        double? Confidence = null, string? Reason = null);
}
