using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ChatOrganizer.Web.Results;

// "Similar conversations" in the viewer: a job's nearest conversations by their stored offline vectors (one byte per
// dimension, 7.5 MB for 20,000). An ended job's vectors are kept in memory a while (up to CacheBytes for
// all jobs), so paging through its conversations does not read them again.
public sealed class SimilarConversations(IDbContextFactory<ChatOrganizerDb> dbs, IMemoryCache cache)
{
    public const int Shown = 5;
    public const long CacheBytes = 64L << 20;

    // The closest conversations of the session's job, or none when the job has no vectors (made before they were kept).
    public async Task<IReadOnlyList<SimilarConversation>> GetAsync(string ownerId, string jobId, int index, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var status = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId).Select(j => (JobStatus?)j.Status).FirstOrDefaultAsync(cancellationToken);
        if (status is null) return [];
        if (!cache.TryGetValue<JobVectors>(jobId, out var vectors) || vectors is null)
        {
            var rows = await db.Vectors.AsNoTracking().Where(v => v.JobId == jobId).OrderBy(v => v.Index).Select(v => new { v.Index, v.Vector }).ToListAsync(cancellationToken);
            vectors = new JobVectors([.. rows.Select(r => r.Index)], new QuantizedVectors([.. rows.Select(r => r.Vector)]));
            if (status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled)
            {
                cache.Set(jobId, vectors, new MemoryCacheEntryOptions { Size = vectors.Vectors.Bytes, SlidingExpiration = TimeSpan.FromMinutes(10) });
            }
        }
        var row = Array.BinarySearch(vectors.Indexes, index);
        if (row < 0) return [];
        var nearest = vectors.Vectors.Nearest(row, Shown);
        var indexes = nearest.Select(n => vectors.Indexes[n.Row]).ToList();
        var found = await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && indexes.Contains(c.Index))
            .Select(c => new { c.Index, c.Title, Category = db.Results.Where(r => r.JobId == jobId && r.Index == c.Index).Select(r => r.Category).FirstOrDefault() })
            .ToDictionaryAsync(c => c.Index, cancellationToken);
        return [.. nearest.Select(n => vectors.Indexes[n.Row]).Where(found.ContainsKey)
            .Select((i, n) => new SimilarConversation(i, found[i].Title, found[i].Category, nearest[n].Similarity))];
    }

    private sealed record JobVectors(int[] Indexes, QuantizedVectors Vectors);
}

// Similarity: The cosine of their vectors: 1 the same, about 0.3 and below unrelated.
public sealed record SimilarConversation(int Index, string? Title, string? Category, double Similarity);
