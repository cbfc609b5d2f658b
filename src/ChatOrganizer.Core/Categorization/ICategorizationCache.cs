using System.Collections.Concurrent;

namespace ChatOrganizer.Categorization;

// Categories the model already gave, so the same question is never paid for twice. Only categorized
// results are stored: a failure is asked again next time.
public interface ICategorizationCache
{
    // The cached category of every key that has one; keys without one are absent.
    Task<IReadOnlyDictionary<CategorizationCacheKey, string>> GetManyAsync(
        IReadOnlyCollection<CategorizationCacheKey> keys, CancellationToken cancellationToken);

    Task PutManyAsync(IReadOnlyCollection<CategorizationCacheEntry> entries, CancellationToken cancellationToken);
}

// DigestHash: ConversationDigest.Hash: a changed conversation is asked again.
// CategorySetHash: CategorySet.ComputeHash: another set, or another prompt, is asked again.
public sealed record CategorizationCacheKey(string ConversationId, string DigestHash, string CategorySetHash, string Model);

public sealed record CategorizationCacheEntry(CategorizationCacheKey Key, string Category);

// For the CLI and tests; lives as long as the process.
public sealed class InMemoryCategorizationCache : ICategorizationCache
{
    private readonly ConcurrentDictionary<CategorizationCacheKey, string> _entries = new();

    public int Count => _entries.Count;

    public Task<IReadOnlyDictionary<CategorizationCacheKey, string>> GetManyAsync(
        IReadOnlyCollection<CategorizationCacheKey> keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new Dictionary<CategorizationCacheKey, string>();
        foreach (var key in keys)
        {
            if (_entries.TryGetValue(key, out var category)) found[key] = category;
        }
        return Task.FromResult<IReadOnlyDictionary<CategorizationCacheKey, string>>(found);
    }

    public Task PutManyAsync(IReadOnlyCollection<CategorizationCacheEntry> entries, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var entry in entries) _entries[entry.Key] = entry.Category;
        return Task.CompletedTask;
    }
}
