using System.Globalization;
using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using CsvHelper;

namespace ChatOrganizer.Results;

// Conversations and their results as CSV, one row each, written as they come: the web app's download and the CLI's --out.
public static class ResultsCsv
{
    public static readonly string[] Columns =
        ["index", "id", "title", "created", "month", "year", "messages", "model", "category", "status", "engine", "failure_reason", "confidence", "reason", "corrected", "engine_category"];

    // Spreadsheets run a cell that starts with = + - @ as a formula: such text cells get a leading ' (CsvHelper's
    // injection escaping), so a title like "=HYPERLINK(...)" stays text. With a byte order mark, Excel reads the
    // file as UTF-8 rather than in the local code page.
    private static readonly CsvWriterOptions Options = new() { Injection = CsvInjection.Escape, WriteByteOrderMark = true };

    public static async Task WriteAsync(Stream output, IAsyncEnumerable<ResultRow> rows, CancellationToken cancellationToken)
    {
        await using var csv = CsvWriter.Create(output, Options, leaveOpen: true);
        await csv.WriteRecordAsync(Columns, cancellationToken);
        await foreach (var row in rows.WithCancellation(cancellationToken))
        {
            await csv.WriteRecordAsync(
            [
                row.Index.ToString(CultureInfo.InvariantCulture),
                row.Id,
                row.Title,
                row.Created?.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                row.Created is null ? null : Period.MonthOf(row.Created).Key,
                row.Created is null ? null : Period.YearOf(row.Created).Key,
                row.Messages.ToString(CultureInfo.InvariantCulture),
                row.Model,
                row.Category,
                row.Status?.ToString().ToLowerInvariant(),
                row.Engine?.ToString().ToLowerInvariant(),
                row.FailureReason,
                row.Confidence?.ToString("0.00", CultureInfo.InvariantCulture),
                row.Reason,
                row.Corrected ? "true" : "false",
                row.EngineCategory,
            ], cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
    }

    public static Task WriteAsync(Stream output, IEnumerable<ResultRow> rows, CancellationToken cancellationToken) =>
        WriteAsync(output, rows.ToAsyncEnumerable(), cancellationToken);
}

// One conversation and its result, as downloads and the CLI write it.
// Index: Position in the export.
// Created: UTC.
// Messages: Visible messages on the active path.
// Model: The ChatGPT model the conversation was held with (not the one that categorized it).
// Status: Null while the conversation waits for its turn, and when grouping by month or year.
// Confidence: How sure the engine was, 0 to 1 (the offline categorizer says; a model does not).
// Reason: Why it was filed there, for a person to read.
// Corrected: A person chose Category; the engine's choice is EngineCategory.
public sealed record ResultRow(
    int Index,
    string? Id,
    string? Title,
    DateTime? Created,
    int Messages,
    string? Model,
    string? Category,
    CategorizationStatus? Status,
    CategorizationEngine? Engine,
    string? FailureReason,
    double? Confidence = null,
    string? Reason = null,
    bool Corrected = false,
    string? EngineCategory = null)
{
    // A conversation as read, before any result.
    public static ResultRow From(Conversation conversation) => new(
        conversation.Location.Index,
        conversation.Id,
        conversation.Title,
        conversation.CreateTime?.UtcDateTime,
        conversation.ActiveMessages.Count(m => !m.IsHidden),
        conversation.Model,
        Category: null,
        Status: null,
        Engine: null,
        FailureReason: null);
}
