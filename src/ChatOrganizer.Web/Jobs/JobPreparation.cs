using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// Waits for what a done month or year job is still preparing (Job.Prepared): its read step's second pass stores the
// transcripts, vectors and search rows in export order, thousands of conversations a second, while the person has the
// results already. The transcripts download and a search wait for the rows they need rather than find none, about as
// long as the whole read took before the results came first; the viewer reads its conversation again from the upload
// (PreparingTranscripts), and waits only when it cannot.
public static class JobPreparation
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(100);

    // Long enough for a second pass to reach any conversation of a large export (80,000 at the rate of bench job-speed).
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    // Waits until the job's first `count` conversations are prepared (or it is not preparing, or is gone); false when
    // they still are not after `patience`.
    public static Task<bool> WaitAsync(ChatOrganizerDb db, string jobId, int count, TimeSpan patience, CancellationToken cancellationToken) =>
        WaitWhileAsync(() => db.Jobs.AsNoTracking().AnyAsync(j => j.Id == jobId && j.Prepared < j.Read && j.Prepared < count, cancellationToken), patience, cancellationToken);

    // Waits until no job of the session is preparing; false when one still is after `patience`.
    public static Task<bool> WaitForSessionAsync(ChatOrganizerDb db, string ownerId, TimeSpan patience, CancellationToken cancellationToken) =>
        WaitWhileAsync(() => db.Jobs.AsNoTracking().AnyAsync(j => j.OwnerId == ownerId && j.Prepared < j.Read, cancellationToken), patience, cancellationToken);

    // How many conversations of the session's jobs are read and not prepared yet.
    public static async Task<int> PreparingAsync(ChatOrganizerDb db, string ownerId, CancellationToken cancellationToken) =>
        await db.Jobs.AsNoTracking().Where(j => j.OwnerId == ownerId && j.Prepared < j.Read).SumAsync(j => j.Read - (j.Prepared ?? 0), cancellationToken);

    private static async Task<bool> WaitWhileAsync(Func<Task<bool>> preparing, TimeSpan patience, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        while (await preparing())
        {
            if (TimeProvider.System.GetElapsedTime(started) >= patience) return false;
            await Task.Delay(Poll, cancellationToken);
        }
        return true;
    }
}
