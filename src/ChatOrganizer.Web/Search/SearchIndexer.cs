using System.Data.Common;
using System.Threading.Channels;
using ChatOrganizer.Web.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Search;

// Fills SQLite's full-text indexes (search_fts, search_short) behind the read step, in chunks of search rows in row
// order, each chunk with the mark of how far the indexes reach (search_index_state) in one transaction. Writing the
// trigram index costs more than reading and storing the rows (bench job-speed), and a job's results, viewer and
// downloads do not need it: the read step stores its rows and ends, and the rows not indexed yet are searched by a
// scan (SearchQuery), so a search finds them at once, only slower, until this has caught up.
// Woken by every stored batch, and at start for what an earlier process left (a crash, or the migration that brought
// this, whose rows are all behind the mark). PostgreSQL needs none of this: its search reads the rows themselves.
public sealed class SearchIndexer(IDbContextFactory<ChatOrganizerDb> dbs, ILogger<SearchIndexer> logger) : IDisposable
{
    // Search rows per transaction: about 0.1 s of indexing for a typical message, so a read step's batch that waits for
    // the lock waits that long at most.
    internal const int Chunk = 1000;

    // One wake-up waiting at most: several batches stored while a chunk is indexed are one more pass.
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly SemaphoreSlim _one = new(1, 1);

    // Something was stored: index it soon. Never blocks.
    public void Wake() => _wake.Writer.TryWrite(true);

    // Indexes what there is, then again each time it is woken, until the app stops.
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
        {
            if (!db.Database.IsSqlite()) return;
        }
        try
        {
            while (true)
            {
                try
                {
                    await CatchUpAsync(stoppingToken);
                }
                catch (Exception e) when (e is DbException or InvalidOperationException)
                {
                    // The database busy past its timeout, or the disk full: the rows stay searchable by the scan, and the
                    // next batch stored (or the next start) tries again.
                    logger.LogWarning(e, "The search index could not be brought up to date; the rows it lacks are searched by a scan meanwhile.");
                }
                await _wake.Reader.ReadAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    // Indexes every row stored so far (none on PostgreSQL). Returns the rows indexed.
    public async Task<int> CatchUpAsync(CancellationToken cancellationToken)
    {
        var total = 0;
        await _one.WaitAsync(cancellationToken);
        try
        {
            var started = TimeProvider.System.GetTimestamp();
            while (await IndexChunkAsync(cancellationToken) is var indexed and > 0) total += indexed;
            if (total > 0)
            {
                logger.LogDebug("Indexed {Rows} search rows in {Seconds:0.00} s.", total, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            }
        }
        finally
        {
            _one.Release();
        }
        return total;
    }

    private async Task<int> IndexChunkAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (!db.Database.IsSqlite()) return 0;
        await db.Database.OpenConnectionAsync(cancellationToken);
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        // BEGIN IMMEDIATE: the mark is read under the write lock, so two indexers (two processes on one file) never index
        // the same rows twice.
        await using var transaction = connection.BeginTransaction(deferred: false);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The chunk's last row: the Chunk-th above the mark, or the last there is. Ids only grow (AUTOINCREMENT), so a
        // row stored later is always above the mark.
        command.CommandText = """
            SELECT "IndexedUpTo",
                   coalesce((SELECT "Id" FROM search_entries WHERE "Id" > "IndexedUpTo" ORDER BY "Id" LIMIT 1 OFFSET $chunk - 1),
                            (SELECT max("Id") FROM search_entries WHERE "Id" > "IndexedUpTo"))
            FROM search_index_state
            """;
        command.Parameters.AddWithValue("$chunk", Chunk);
        long after, upTo;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken) || reader.IsDBNull(1)) return 0;
            (after, upTo) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        command.Parameters.Clear();
        command.CommandText = """
            INSERT INTO search_fts(rowid, "Text") SELECT "Id", "Text" FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo;
            INSERT INTO search_short(rowid, "ShortTerms") SELECT "Id", "ShortTerms" FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo AND "ShortTerms" IS NOT NULL;
            UPDATE search_index_state SET "IndexedUpTo" = $upTo;
            SELECT count(*) FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo;
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$upTo", upTo);
        var rows = Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        await transaction.CommitAsync(cancellationToken);
        // Rows deleted meanwhile leave a gap, not nothing: the mark moved on.
        return Math.Max(rows, 1);
    }

    // How far the indexes reach, and how many of the owner's search rows lie above it (searched by a scan, and only
    // the owner's counted: another session's uploads are none of theirs). Null on PostgreSQL. The connection is open.
    public static async Task<(long IndexedUpTo, int Pending)?> StateAsync(ChatOrganizerDb db, string ownerId, CancellationToken cancellationToken)
    {
        if (!db.Database.IsSqlite()) return null;
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = """
            SELECT s."IndexedUpTo",
                   (SELECT count(*) FROM search_entries e JOIN jobs j ON j."Id" = e."JobId" WHERE e."Id" > s."IndexedUpTo" AND j."OwnerId" = $owner)
            FROM search_index_state s
            """;
        command.Parameters.Add(new SqliteParameter("$owner", ownerId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), reader.GetInt32(1)) : (0, 0);
    }

    public void Dispose() => _one.Dispose();
}

// The indexer's loop, for the app's lifetime.
public sealed class SearchIndexing(SearchIndexer indexer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => indexer.RunAsync(stoppingToken);
}
