using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ChatOrganizer.Web.Results;

// "Similar conversations" in the viewer: a job's nearest conversations by their stored offline vectors (one byte per
// dimension, 7.5 MB for 20,000). An ended job's vectors are kept in memory a while (up to CacheBytes for
// all jobs), so paging through its conversations does not read them again.
//
// Only neighbours at QuantizedVectors.RelatedSimilarity or closer are shown: further ones are more often unrelated.
public sealed class SimilarConversations(IDbContextFactory<ChatOrganizerDb> dbs, IMemoryCache cache, ConversationVectorBackfill backfill)
{
    public const int Shown = 5;
    public const long CacheBytes = 64L << 20;

    internal static string CacheKey(string jobId) => $"similar-conversations:{jobId}";

    // The closest conversations of the session's job. A conversation of an ended job with no vector (read before the
    // process had its token vectors) has its job's vectors asked for (ConversationVectorBackfill) and is Preparing.
    public async Task<SimilarList> GetAsync(string ownerId, string jobId, int index, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId).Select(j => new { j.Status, Preparing = j.Prepared < j.Read }).FirstOrDefaultAsync(cancellationToken);
        if (job is null) return SimilarList.None;
        // A done job preparing still stores its vectors: they are on their way, and none is cached meanwhile.
        if (job.Preparing) return SimilarList.Preparing;
        var ended = job.Status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled;
        if (!cache.TryGetValue<JobVectors>(CacheKey(jobId), out var vectors) || vectors is null)
        {
            // Asked before the rows are read: a backfill that ends between the two has its rows missed by this read, and
            // must not leave them cached as none for the cache's ten minutes (seen under load: no similar conversations).
            var pending = backfill.IsPending(jobId);
            var rows = await db.Vectors.AsNoTracking().Where(v => v.JobId == jobId).OrderBy(v => v.Index).Select(v => new { v.Index, v.Vector }).ToListAsync(cancellationToken);
            vectors = new JobVectors([.. rows.Select(r => r.Index)], new QuantizedVectors([.. rows.Select(r => r.Vector)]));
            if (ended && !pending)
            {
                cache.Set(CacheKey(jobId), vectors, new MemoryCacheEntryOptions { Size = vectors.Vectors.Bytes, SlidingExpiration = TimeSpan.FromMinutes(10) });
            }
        }
        var row = Array.BinarySearch(vectors.Indexes, index);
        if (row >= 0 && vectors.Indexes.Length == 1) return SimilarList.None; // a job of one conversation: nothing to compare
        if (row < 0)
        {
            if (!ended) return SimilarList.None;
            backfill.Request(jobId);
            return backfill.IsPending(jobId) ? SimilarList.Preparing : SimilarList.None;
        }
        var nearest = vectors.Vectors.Nearest(row, Shown, QuantizedVectors.RelatedSimilarity);
        var indexes = nearest.Select(n => vectors.Indexes[n.Row]).ToList();
        var found = await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && indexes.Contains(c.Index))
            .Select(c => new { c.Index, c.Title, Category = db.Results.Where(r => r.JobId == jobId && r.Index == c.Index).Select(r => r.Category).FirstOrDefault() })
            .ToDictionaryAsync(c => c.Index, cancellationToken);
        return new SimilarList(SimilarState.Found, [.. nearest.Where(n => found.ContainsKey(vectors.Indexes[n.Row]))
            .Select(n => (Index: vectors.Indexes[n.Row], n.Similarity))
            .Select(n => new SimilarConversation(n.Index, found[n.Index].Title, found[n.Index].Category, n.Similarity))]);
    }

    private sealed record JobVectors(int[] Indexes, QuantizedVectors Vectors);
}

public enum SimilarState
{
    // The conversation has no vector, and none is coming: nothing to say.
    None,

    // Its job's vectors are being made; the list shows in a minute.
    Preparing,

    // The conversation has its vector: the list (empty when none is close enough).
    Found,
}

public sealed record SimilarList(SimilarState State, IReadOnlyList<SimilarConversation> Conversations)
{
    public static readonly SimilarList None = new(SimilarState.None, []);
    public static readonly SimilarList Preparing = new(SimilarState.Preparing, []);
}

// Similarity: The cosine of their vectors: 1 the same, below QuantizedVectors.RelatedSimilarity not shown.
public sealed record SimilarConversation(int Index, string? Title, string? Category, double Similarity);
