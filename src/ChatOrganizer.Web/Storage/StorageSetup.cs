using System.Data.Common;
using ChatOrganizer.Categorization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ChatOrganizer.Web.Storage;

internal static class StorageSetup
{
    // SQLite in the data folder by default; PostgreSQL when a connection string is set.
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section);
        var storage = builder.ConfiguredStorage();
        var folder = builder.ConfiguredDataFolder();
        builder.Services.AddSingleton(folder);

        if (storage.UsesPostgres)
        {
            builder.Services.AddDatabase<PostgresChatOrganizerDb>(storage, folder);
        }
        else
        {
            builder.Services.AddDatabase<SqliteChatOrganizerDb>(storage, folder);
        }
        builder.Services.AddScoped(services => services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext());
        builder.Services.AddSingleton<IResponseModeStore, StoredResponseModeStore>();

        // Runs before the job server and the web server start (hosted services start in registration order, the server last).
        builder.Services.AddHostedService<DatabaseMigrator>();
        return builder;
    }

    private static void AddDatabase<TDb>(this IServiceCollection services, StorageOptions storage, DataFolder folder)
        where TDb : ChatOrganizerDb
    {
        services.AddPooledDbContextFactory<TDb>(db => Configure(db, storage, folder));
        services.AddSingleton<IDbContextFactory<ChatOrganizerDb>>(provider => new ProviderDbFactory<TDb>(provider.GetRequiredService<IDbContextFactory<TDb>>()));
    }

    // The storage settings as configured, for wiring that happens before the container is built.
    public static StorageOptions ConfiguredStorage(this WebApplicationBuilder builder) =>
        builder.Configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();

    // The data folder, created (private to the app's user) if it is not there yet.
    public static DataFolder ConfiguredDataFolder(this WebApplicationBuilder builder) =>
        new(builder.ConfiguredStorage().ResolveDataDirectory(builder.Environment.ContentRootPath));

    public static void Configure(DbContextOptionsBuilder db, StorageOptions storage, DataFolder folder)
    {
        if (storage.UsesPostgres)
        {
            db.UseNpgsql(storage.NpgsqlConnectionString());
        }
        else
        {
            db.UseSqlite(SqliteConnectionString(folder.Database)).AddInterceptors(SqliteBusyTimeout.Instance);
        }
    }

    // Seconds a statement waits for another writer (SQLite has one) before giving up.
    private const int SqliteWriterWaitSeconds = 30;

    public static string SqliteConnectionString(string path) => new SqliteConnectionStringBuilder
    {
        DataSource = path,
        Pooling = true,
        DefaultTimeout = SqliteWriterWaitSeconds,
    }.ToString();

    // Lets SQLite wait for another writer itself, as long as its lock is held (milliseconds). Left to Microsoft.Data.Sqlite,
    // a statement that finds the database locked sleeps 150 ms before each new try; steps, answers and progress write
    // at once, and those sleeps made categorizing several times slower (bench jobs-memory).
    private sealed class SqliteBusyTimeout : DbConnectionInterceptor
    {
        public static readonly SqliteBusyTimeout Instance = new();

        // synchronous = NORMAL: in WAL mode a commit no longer waits for fsync (only a power cut can lose the last
        // commits, never corrupt the file), which made every read batch's commit wait on the disk.
        private static readonly string Pragma = $"PRAGMA busy_timeout = {SqliteWriterWaitSeconds * 1000}; PRAGMA synchronous = NORMAL;";

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragma;
            command.ExecuteNonQuery();
        }

        public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragma;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private sealed class DatabaseMigrator(IDbContextFactory<ChatOrganizerDb> factory, ILogger<DatabaseMigrator> logger) : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            await HandWrittenMigrations.AdoptAsync(db, cancellationToken);
            await db.Database.MigrateAsync(cancellationToken);
            if (db.Database.IsSqlite())
            {
                // Readers (progress polls) no longer wait for the writer; persistent for the file.
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            logger.LogInformation("Database ready ({Provider}).", db.Database.ProviderName);
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
