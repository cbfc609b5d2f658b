using ChatOrganizer.Categorization;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Storage;

// The categorization cache in the database, shared by every instance and kept across restarts: a batch
// the model answered is never paid for again. Entries expire with the retention period.
public sealed class StoredCategorizationCache(IDbContextFactory<ChatOrganizerDb> dbs, TimeProvider time) : ICategorizationCache
{
    public async Task<IReadOnlyDictionary<CategorizationCacheKey, string>> GetManyAsync(
        IReadOnlyCollection<CategorizationCacheKey> keys, CancellationToken cancellationToken)
    {
        var found = new Dictionary<CategorizationCacheKey, string>();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        foreach (var group in keys.GroupBy(k => (k.CategorySetHash, k.Model)))
        {
            var ids = group.Select(k => k.ConversationId).Distinct().ToList();
            var rows = await db.CategorizationCache.AsNoTracking()
                .Where(c => c.CategorySetHash == group.Key.CategorySetHash && c.Model == group.Key.Model && ids.Contains(c.ConversationId))
                .Select(c => new { c.ConversationId, c.DigestHash, c.Category })
                .ToListAsync(cancellationToken);
            var wanted = group.ToHashSet();
            foreach (var row in rows)
            {
                var key = new CategorizationCacheKey(row.ConversationId, row.DigestHash, group.Key.CategorySetHash, group.Key.Model);
                if (wanted.Contains(key)) found[key] = row.Category;
            }
        }
        return found;
    }

    public async Task PutManyAsync(IReadOnlyCollection<CategorizationCacheEntry> entries, CancellationToken cancellationToken)
    {
        var fresh = entries
            .Where(e => e.Key.ConversationId.Length <= ChatOrganizerDb.Lengths.ConversationId && e.Key.Model.Length <= ChatOrganizerDb.Lengths.Model
                && e.Category.Length <= ChatOrganizerDb.Lengths.Name)
            .DistinctBy(e => e.Key)
            .ToList();
        if (fresh.Count == 0) return;

        var existing = await GetManyAsync([.. fresh.Select(e => e.Key)], cancellationToken);
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        db.CategorizationCache.AddRange(fresh.Where(e => !existing.ContainsKey(e.Key)).Select(e => new CachedCategory
        {
            ConversationId = e.Key.ConversationId,
            DigestHash = e.Key.DigestHash,
            CategorySetHash = e.Key.CategorySetHash,
            Model = e.Key.Model,
            Category = e.Category,
            CreatedAt = now,
        }));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance stored the same answers a moment ago: the cache has them either way.
        }
    }
}
