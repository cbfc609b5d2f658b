using ChatOrganizer.Categorization;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Storage;

// The same storage behaviour on both providers: SQLite (a real file) and PostgreSQL.
public abstract class StorageTests : IAsyncLifetime
{
    private ChatOrganizerApp _app = null!;

    protected abstract Task<ChatOrganizerApp> CreateAppAsync();

    public async Task InitializeAsync()
    {
        _app = await CreateAppAsync();
        _app.CreateClient().Dispose(); // starts the host: migrations run
    }

    public Task DisposeAsync()
    {
        _app.Dispose();
        return Task.CompletedTask;
    }

    private ChatOrganizerDb Db() => _app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();

    [Fact]
    public async Task MigrationsCreateEveryTableAndColumnTheModelMaps()
    {
        await using var db = Db();

        foreach (var entity in db.Model.GetEntityTypes())
        {
            var table = entity.GetTableName()!;
            var columns = string.Join(", ", entity.GetProperties().Select(p => $"\"{p.GetColumnName()}\""));
#pragma warning disable EF1002 // names come from the model, not from input
            // Throws when the table or any column is missing.
            await db.Database.ExecuteSqlRawAsync($"SELECT {columns} FROM \"{table}\" WHERE 1 = 0");
#pragma warning restore EF1002
        }
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task TheModelHasNoChangesWithoutAMigration()
    {
        await using var db = Db();

        Assert.False(db.Database.HasPendingModelChanges(), "The model changed: run `bash tests/add-migration.sh NAME` (README, \"Changing the schema\").");
    }

    [Fact]
    public async Task TheReadStepsBulkWriterWritesEveryColumnTheModelHasOfItsTables()
    {
        await using var db = Db();

        foreach (var (table, written) in ChatOrganizer.Web.Jobs.ReadRowWriter.Columns)
        {
            var entity = db.Model.GetEntityTypes().Single(e => e.GetTableName() == table);
            var columns = entity.GetProperties().Where(p => p.ValueGenerated == Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never).Select(p => p.GetColumnName());
            Assert.Equal(columns.Order(StringComparer.Ordinal), written.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task EveryKindOfRowRoundTrips()
    {
        // Whole seconds (both providers keep them exactly), and young: the maintenance sweep leaves a queued job alone in its first minute.
        var now = new DateTime(DateTime.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        await using (var db = Db())
        {
            db.Jobs.Add(new Job { Id = "job-1", OwnerId = "owner", Mode = JobMode.Topic, FileName = "x.zip", CreatedAt = now, Total = 1 });
            db.JobLog.Add(new JobLogEntry { JobId = "job-1", At = now, Level = JobLogLevel.Warning, Message = "careful" });
            db.WorkItems.Add(new WorkItem { JobId = "job-1", Number = 0, FirstIndex = 0, EndIndex = 1 });
            db.Conversations.Add(new StoredConversation { JobId = "job-1", Index = 0, ConversationId = "c", Title = "T", CreateTime = now, DigestText = "d", DigestHash = "h" });
            db.Transcripts.Add(new ConversationTranscript { JobId = "job-1", Index = 0, Content = [1, 2, 3] });
            db.Results.Add(new ConversationResult { JobId = "job-1", Index = 0, Status = CategorizationStatus.Categorized, Category = "Cooking", Engine = CategorizationEngine.Model, At = now });
            db.CategorySets.Add(new SavedCategorySet { Id = "set-1", OwnerId = "owner", Name = "Mine", CategoriesJson = "[]", CreatedAt = now, UpdatedAt = now });
            db.CategorizationCache.Add(new CachedCategory { ConversationId = "c", DigestHash = "h", CategorySetHash = "s", Model = "m", Category = "Cooking", CreatedAt = now });
            await db.SaveChangesAsync();
        }

        await using (var db = Db())
        {
            var job = await db.Jobs.SingleAsync();
            Assert.Equal((JobMode.Topic, JobStatus.Queued, now, DateTimeKind.Utc), (job.Mode, job.Status, job.CreatedAt, job.CreatedAt.Kind));
            Assert.Equal(JobLogLevel.Warning, (await db.JobLog.SingleAsync()).Level);
            Assert.True((await db.JobLog.SingleAsync()).Id > 0);
            Assert.Equal([1, 2, 3], (await db.Transcripts.SingleAsync()).Content);
            var result = await db.Results.SingleAsync();
            Assert.Equal((CategorizationStatus.Categorized, CategorizationEngine.Model, "Cooking"), (result.Status, result.Engine, result.Category));
            Assert.Equal(now, (await db.Conversations.SingleAsync()).CreateTime);
            Assert.Equal("Cooking", (await db.CategorizationCache.SingleAsync()).Category);
            Assert.Equal(1, await db.Jobs.CountAsync(j => j.CreatedAt < now.AddSeconds(1) && j.Status == JobStatus.Queued));
        }
    }

    [Fact]
    public async Task CountersAddedFromManyContextsAtOnceAllCount()
    {
        await using (var db = Db())
        {
            db.Jobs.Add(new Job { Id = "job-c", OwnerId = "owner", Mode = JobMode.Topic, FileName = "x.zip", CreatedAt = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 10; i++)
            {
                await using var db = Db();
                await db.Jobs.Where(j => j.Id == "job-c").ExecuteUpdateAsync(s => s.SetProperty(j => j.Categorized, j => j.Categorized + 3));
            }
        })));

        await using (var db = Db())
        {
            Assert.Equal(8 * 10 * 3, (await db.Jobs.SingleAsync(j => j.Id == "job-c")).Categorized);
        }
    }

    [Fact]
    public async Task LogSequenceIncreasesAcrossJobs()
    {
        await using var db = Db();
        db.Jobs.AddRange(
            new Job { Id = "a", OwnerId = "o", Mode = JobMode.Month, FileName = "f", CreatedAt = DateTime.UtcNow },
            new Job { Id = "b", OwnerId = "o", Mode = JobMode.Month, FileName = "f", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
        foreach (var job in new[] { "a", "b", "a", "b" })
        {
            db.JobLog.Add(new JobLogEntry { JobId = job, At = DateTime.UtcNow, Level = JobLogLevel.Info, Message = job });
            await db.SaveChangesAsync();
        }

        var ids = await db.JobLog.OrderBy(e => e.Id).Select(e => e.Id).ToListAsync();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(4, ids.Distinct().Count());
    }
}

public sealed class SqliteStorageTests : StorageTests
{
    protected override Task<ChatOrganizerApp> CreateAppAsync() => Task.FromResult(new ChatOrganizerApp());

    [Fact]
    public void TheDatabaseIsAFileInTheDataFolder()
    {
        using var app = new ChatOrganizerApp();
        app.CreateClient().Dispose();

        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "chatorganizer.db")));
        // The job queue lives in memory, refilled from this file at start: no second database beside it.
        Assert.Equal(["chatorganizer.db"], Directory.GetFiles(app.DataDirectory, "*.db").Select(Path.GetFileName));
    }

    [Fact]
    public async Task ADatabaseMadeByTheHandWrittenMigrationsUpgradesAndKeepsItsRows()
    {
        using var app = new ChatOrganizerApp();
        var path = Path.Combine(app.DataDirectory, "chatorganizer.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await old.OpenAsync();
            await using var command = old.CreateCommand();
            command.CommandText = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Storage", "HandWrittenSchema", "sqlite.sql")) +
                "INSERT INTO category_sets (\"Id\", \"OwnerId\", \"Name\", \"CategoriesJson\", \"AllowNewCategories\", \"CreatedAt\", \"UpdatedAt\") VALUES ('set-old', 'o', 'Kept', '[]', 0, '2026-12-01 00:00:00', '2026-12-01 00:00:00');";
            await command.ExecuteNonQueryAsync();
        }

        app.CreateClient().Dispose();
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal("Kept", (await db.CategorySets.SingleAsync(s => s.Id == "set-old")).Name);
    }

    [Fact]
    public async Task EveryConnectionLetsSqliteWaitForAnotherWriterItself()
    {
        using var app = new ChatOrganizerApp();
        app.CreateClient().Dispose();
        await using var db = app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();

        var waits = await db.Database.SqlQueryRaw<long>("SELECT timeout AS \"Value\" FROM pragma_busy_timeout").SingleAsync();

        Assert.Equal(30_000, waits);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresStorageTests(PostgresFixture postgres) : StorageTests
{
    protected override async Task<ChatOrganizerApp> CreateAppAsync() =>
        new ChatOrganizerApp().With("Storage:PostgresConnectionString", await postgres.Server.CreateDatabaseAsync());
}
