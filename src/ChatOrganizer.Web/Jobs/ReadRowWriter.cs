using ChatOrganizer.Web.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace ChatOrganizer.Web.Jobs;

// Writes the read step's bulk rows (conversations, transcripts, vectors, search entries) in the context's open
// transaction without EF's change tracking: a tracked entity per row made storing several times slower than reading
// (bench job-speed). SQLite: one prepared INSERT per table, its parameters set again for each row. PostgreSQL: binary COPY.
// Column names are EF's (the property names), so the rows read back through the model as before.
internal static class ReadRowWriter
{
    public static async Task WriteAsync(
        ChatOrganizerDb db,
        IReadOnlyList<StoredConversation> conversations,
        IReadOnlyList<ConversationTranscript> transcripts,
        IReadOnlyList<ConversationVector> vectors,
        IReadOnlyList<SearchEntry> searchEntries,
        CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("The read step's rows are written in its batch's transaction.");
        if (connection is NpgsqlConnection postgres)
        {
            await CopyAsync(postgres, conversations, transcripts, vectors, searchEntries, cancellationToken);
            return;
        }
        var sqlite = (SqliteConnection)connection;
        var sqliteTransaction = (SqliteTransaction)transaction;
        Insert(sqlite, sqliteTransaction, "conversations", ConversationColumns, conversations, ConversationValues, cancellationToken);
        Insert(sqlite, sqliteTransaction, "transcripts", BlobColumns("Content"), transcripts, t => [t.JobId, t.Index, t.Content], cancellationToken);
        Insert(sqlite, sqliteTransaction, "conversation_vectors", BlobColumns("Vector"), vectors, v => [v.JobId, v.Index, v.Vector], cancellationToken);
        // Their full-text index is filled behind, by SearchIndexer.
        Insert(sqlite, sqliteTransaction, "search_entries", SearchColumns, searchEntries, SearchValues, cancellationToken);
    }

    private static readonly string[] ConversationColumns =
    [
        "JobId", "Index", "ConversationId", "Title", "CreateTime", "UpdateTime", "MessageCount", "Model", "Warnings", "Snippet",
        "DigestTitle", "DigestText", "DigestTokens", "DigestHash", "ContentHash", "History", "SourceFile", "SourceOffset", "SourceLength",
    ];

    private static object?[] ConversationValues(StoredConversation c) =>
    [
        c.JobId, c.Index, c.ConversationId, c.Title, Utc(c.CreateTime), Utc(c.UpdateTime), c.MessageCount, c.Model, c.Warnings, c.Snippet,
        c.DigestTitle, c.DigestText, c.DigestTokens, c.DigestHash, c.ContentHash, History(c.History), c.SourceFile, c.SourceOffset, c.SourceLength,
    ];

    private static readonly string[] SearchColumns = ["JobId", "Index", "Ordinal", "NodeId", "Text", "ShortTerms"];

    private static string[] BlobColumns(string blob) => ["JobId", "Index", blob];

    // Each table this writer fills, with the columns it writes: a test holds them to the model's, so a column added to
    // an entity cannot be left out here unnoticed.
    internal static IReadOnlyDictionary<string, string[]> Columns { get; } = new Dictionary<string, string[]>
    {
        ["conversations"] = ConversationColumns,
        ["transcripts"] = BlobColumns("Content"),
        ["conversation_vectors"] = BlobColumns("Vector"),
        ["search_entries"] = SearchColumns,
    };

    private static object?[] SearchValues(SearchEntry e) => [e.JobId, e.Index, e.Ordinal, e.NodeId, e.Text, e.ShortTerms];

    // As the model's converter stores it (ChatOrganizerDb: enums as lower-case words).
    private static string? History(ConversationHistory? history) => history?.ToString().ToLowerInvariant();

    private static DateTime? Utc(DateTime? time) => time is { } t ? DateTime.SpecifyKind(t, DateTimeKind.Utc) : null;

    private static void Insert<T>(SqliteConnection connection, SqliteTransaction transaction, string table, string[] columns,
        IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        var parameters = columns.Select((_, i) => command.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
        command.Prepare();
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rowValues = values(row);
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = rowValues[i] ?? DBNull.Value;
            command.ExecuteNonQuery();
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<StoredConversation> conversations, IReadOnlyList<ConversationTranscript> transcripts,
        IReadOnlyList<ConversationVector> vectors, IReadOnlyList<SearchEntry> searchEntries, CancellationToken cancellationToken)
    {
        NpgsqlDbType[] conversationTypes =
        [
            NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.TimestampTz, NpgsqlDbType.TimestampTz,
            NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Text,
            NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Varchar, NpgsqlDbType.Bigint, NpgsqlDbType.Bigint,
        ];
        await CopyAsync(connection, "conversations", ConversationColumns, conversationTypes, conversations, ConversationValues, cancellationToken);
        await CopyAsync(connection, "transcripts", BlobColumns("Content"), [NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Bytea],
            transcripts, t => [t.JobId, t.Index, t.Content], cancellationToken);
        await CopyAsync(connection, "conversation_vectors", BlobColumns("Vector"), [NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Bytea],
            vectors, v => [v.JobId, v.Index, v.Vector], cancellationToken);
        await CopyAsync(connection, "search_entries", SearchColumns,
            [NpgsqlDbType.Varchar, NpgsqlDbType.Integer, NpgsqlDbType.Integer, NpgsqlDbType.Varchar, NpgsqlDbType.Text, NpgsqlDbType.Text],
            searchEntries, SearchValues, cancellationToken);
    }

    private static async Task CopyAsync<T>(NpgsqlConnection connection, string table, string[] columns, NpgsqlDbType[] types,
        IReadOnlyList<T> rows, Func<T, object?[]> values, CancellationToken cancellationToken)
    {
        if (rows.Count == 0) return;
        await using var import = await connection.BeginBinaryImportAsync(
            $"COPY \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await import.StartRowAsync(cancellationToken);
            var rowValues = values(row);
            for (var i = 0; i < rowValues.Length; i++)
            {
                if (rowValues[i] is null) await import.WriteNullAsync(cancellationToken);
                else await import.WriteAsync(rowValues[i], types[i], cancellationToken);
            }
        }
        await import.CompleteAsync(cancellationToken);
    }
}
