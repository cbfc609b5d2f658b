using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Search;

// Fills SQLite's full-text indexes (search_fts, search_short) behind the read step, in chunks of search rows in row
// order, each chunk with the mark of how far the indexes reach (search_index_state) in one transaction. Writing the
// trigram index costs more than reading and storing the rows (bench job-speed), and a job's results, viewer and
// downloads do not need it: the read step stores its rows and ends, and the rows not indexed yet are searched by a
// scan (SearchQuery), so a search finds them at once, only slower, until this has caught up.
// Woken by every stored batch, it waits until the read step has stopped storing (WaitWhileReading), and at start
// indexes what an earlier process left (a crash, or the migration that brought this, whose rows are all behind the
// mark). At normal priority: at the lowest (nice 19) a loaded machine starved it
// while it held its turn, and the read step waited on it (bench job-speed, load 16: storing 15 s, the index a minute
// after the job). PostgreSQL needs none of this: its search reads the rows themselves.
public sealed class SearchIndexer(IDbContextFactory<ChatOrganizerDb> dbs, ReadsUnderWay reads, ILogger<SearchIndexer> logger) : IDisposable
{
    // Search rows per transaction: large chunks cost less in all (each is a segment FTS5 merges later: about a third
    // less time than 500 at a time, for 30 MB of messages), and a batch waits for one chunk at most.
    internal const int Chunk = 5000;

    // A batch took its turn this recently: a read step is storing.
    private static readonly TimeSpan Reading = TimeSpan.FromSeconds(1);
    private long _lastBatch;

    // Set by a stored batch; a pass indexes everything stored before it began.
    private readonly ManualResetEventSlim _wake = new(initialState: true);
    private readonly Lock _one = new();

    // Whose turn it is to write, between this and the read step's batches (in this process: SQLite has one writer,
    // and left to its busy handler's sleeps a batch waited while chunk after chunk took the lock, which made storing
    // 20,000 conversations 25 times slower). Taken in turn (FIFO), so a batch waits for one chunk at most.
    private readonly SemaphoreSlim _turn = new(1, 1);

    // The read step's turn to write a batch; dispose it once committed.
    public async Task<IDisposable> BatchTurnAsync(CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        Volatile.Write(ref _lastBatch, TimeProvider.System.GetTimestamp());
        return new Turn(_turn);
    }

    private sealed class Turn(SemaphoreSlim turn) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) turn.Release();
        }
    }

    // Something was stored: index it soon. Never blocks.
    public void Wake() => _wake.Set();

    // Indexes what there is, then again each time it is woken, until the app stops.
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        await using (var db = await dbs.CreateDbContextAsync(stoppingToken))
        {
            if (!db.Database.IsSqlite()) return;
        }
        try
        {
            // A thread of its own: SQLite's calls block, and a pass can take the time of a whole export.
            await Task.Factory.StartNew(() => Loop(stoppingToken), stoppingToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private void Loop(CancellationToken stoppingToken)
    {
        while (true)
        {
            _wake.Wait(stoppingToken);
            _wake.Reset();
            try
            {
                CatchUp(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The database busy past its timeout, or the disk full: the rows stay searchable by the scan, and the
                // next batch stored (or the next start) tries again. Nothing here may stop the app.
                logger.LogWarning(e, "The search index could not be brought up to date; the rows it lacks are searched by a scan meanwhile.");
            }
        }
    }

    // Indexes every row stored so far (none on PostgreSQL), on the caller's thread. Returns the rows indexed.
    public Task<int> CatchUpAsync(CancellationToken cancellationToken) => Task.Run(() => CatchUp(cancellationToken), cancellationToken);

    private int CatchUp(CancellationToken cancellationToken)
    {
        var total = 0;
        lock (_one)
        {
            // The tail of a read: background distilling waits for it too.
            using var underWay = reads.Begin();
            var started = TimeProvider.System.GetTimestamp();
            while (true)
            {
                int indexed;
                WaitWhileReading(cancellationToken);
                _turn.Wait(cancellationToken);
                try
                {
                    indexed = IndexChunk(Chunk);
                }
                finally
                {
                    _turn.Release();
                }
                if (indexed == 0) break;
                total += indexed;
            }
            if (total > 0)
            {
                logger.LogDebug("Indexed {Rows} search rows in {Seconds:0.00} s.", total, TimeProvider.System.GetElapsedTime(started).TotalSeconds);
            }
        }
        return total;
    }

    // Waits until no batch has been stored for a while: a read step storing batches takes both cores (it reads, builds
    // and stores at once), and indexing beside it made the whole job half as slow again (bench job-speed); its rows are
    // found by the scan meanwhile, and indexed at once after, in the larger chunks that cost less in all.
    private void WaitWhileReading(CancellationToken cancellationToken)
    {
        TimeSpan left;
        while ((left = Reading - TimeProvider.System.GetElapsedTime(Volatile.Read(ref _lastBatch))) > TimeSpan.Zero)
        {
            if (cancellationToken.WaitHandle.WaitOne(left)) cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // Each text's words once (SearchText.DistinctWords), for the trigram index.
    private const string WordsFunction = "chatorganizer_words";

    // SQLite's calls are synchronous: nothing is gained here by their async forms.
    private int IndexChunk(int chunk)
    {
        using var db = dbs.CreateDbContext();
        if (!db.Database.IsSqlite()) return 0;
        db.Database.OpenConnection();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        connection.CreateFunction<string, string>(WordsFunction, SearchText.DistinctWords, isDeterministic: true);
        // BEGIN IMMEDIATE: the mark is read under the write lock, so two indexers (two processes on one file) never index
        // the same rows twice.
        using var transaction = connection.BeginTransaction(deferred: false);
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // The chunk's last row: the chunk-th above the mark, or the last there is. Ids only grow (AUTOINCREMENT), so a
        // row stored later is always above the mark.
        command.CommandText = """
            SELECT "IndexedUpTo",
                   coalesce((SELECT "Id" FROM search_entries WHERE "Id" > "IndexedUpTo" ORDER BY "Id" LIMIT 1 OFFSET $chunk - 1),
                            (SELECT max("Id") FROM search_entries WHERE "Id" > "IndexedUpTo"))
            FROM search_index_state
            """;
        command.Parameters.AddWithValue("$chunk", chunk);
        long after, upTo;
        using (var reader = command.ExecuteReader())
        {
            if (!reader.Read() || reader.IsDBNull(1)) return 0;
            (after, upTo) = (reader.GetInt64(0), reader.GetInt64(1));
        }
        command.Parameters.Clear();
        command.CommandText = """
            INSERT INTO search_fts(rowid, "Text") SELECT "Id", chatorganizer_words("Text") FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo;
            INSERT INTO search_short(rowid, "ShortTerms") SELECT "Id", "ShortTerms" FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo AND "ShortTerms" IS NOT NULL;
            UPDATE search_index_state SET "IndexedUpTo" = $upTo;
            SELECT count(*) FROM search_entries WHERE "Id" > $after AND "Id" <= $upTo;
            """;
        command.Parameters.AddWithValue("$after", after);
        command.Parameters.AddWithValue("$upTo", upTo);
        var rows = Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        transaction.Commit();
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

    public void Dispose()
    {
        _wake.Dispose();
        _turn.Dispose();
    }
}

// The indexer's loop, for the app's lifetime.
public sealed class SearchIndexing(SearchIndexer indexer) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => indexer.RunAsync(stoppingToken);
}
