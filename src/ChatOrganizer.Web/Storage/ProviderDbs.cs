using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace ChatOrganizer.Web.Storage;

// EF Core keeps one model snapshot per context type, and the two providers' migrations differ (column types, identity
// columns), so each provider's context is a type of its own; the app asks for ChatOrganizerDb and gets whichever is configured.
public sealed class SqliteChatOrganizerDb(DbContextOptions<SqliteChatOrganizerDb> options) : ChatOrganizerDb(options);

public sealed class PostgresChatOrganizerDb(DbContextOptions<PostgresChatOrganizerDb> options) : ChatOrganizerDb(options);

// The configured provider's context factory, as the factory of the model both share.
internal sealed class ProviderDbFactory<TDb>(IDbContextFactory<TDb> provider) : IDbContextFactory<ChatOrganizerDb>
    where TDb : ChatOrganizerDb
{
    public ChatOrganizerDb CreateDbContext() => provider.CreateDbContext();

    public async Task<ChatOrganizerDb> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await provider.CreateDbContextAsync(cancellationToken);
}

// For `dotnet ef migrations add` (tests/add-migration.sh): the model with each provider, no database needed.
internal sealed class SqliteDesignTimeDb : IDesignTimeDbContextFactory<SqliteChatOrganizerDb>
{
    public SqliteChatOrganizerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteChatOrganizerDb>().UseSqlite("Data Source=design-time.db").Options);
}

internal sealed class PostgresDesignTimeDb : IDesignTimeDbContextFactory<PostgresChatOrganizerDb>
{
    public PostgresChatOrganizerDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresChatOrganizerDb>().UseNpgsql("Host=localhost;Database=design-time").Options);
}
