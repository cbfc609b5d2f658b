using System.Globalization;
using CsvHelper;

namespace ChatOrganizer.Web.Results;

/// <summary>A job's conversations and results as CSV, one row each, written as they are read.</summary>
public static class ResultsCsv
{
    public static readonly string[] Columns =
        ["index", "id", "title", "created", "month", "year", "messages", "model", "category", "status", "engine", "failure_reason", "confidence", "reason", "corrected", "engine_category"];

    // Spreadsheets run a cell that starts with = + - @ as a formula: such text cells get a leading ' (CsvHelper's
    // injection escaping), so a title like "=HYPERLINK(...)" stays text. With a byte order mark, Excel reads the
    // file as UTF-8 rather than in the local code page.
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<ResultConversation> conversations, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        await csv.WriteRecordAsync(Columns, cancellationToken);
        await foreach (var c in conversations.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
            [
                c.Index.ToString(CultureInfo.InvariantCulture),
                c.Id,
                c.Title,
                c.CreateTime?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                c.CreateTime?.ToString("yyyy-MM", CultureInfo.InvariantCulture),
                c.CreateTime?.ToString("yyyy", CultureInfo.InvariantCulture),
                c.MessageCount.ToString(CultureInfo.InvariantCulture),
                c.Model,
                c.Category,
                c.Status?.ToString().ToLowerInvariant(),
                c.Engine?.ToString().ToLowerInvariant(),
                c.FailureReason,
                c.Confidence?.ToString("0.00", CultureInfo.InvariantCulture),
                c.Reason,
                c.Corrected ? "true" : "false",
                c.EngineCategory,
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }
}
