using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Jobs;

// Entries a person reads in the job's log panel. Messages name conversations by index and id and say
// what happened; they never hold a key or conversation text.
public sealed class JobLogWriter(IDbContextFactory<ChatOrganizerDb> dbs, TimeProvider time)
{
    public JobLogEntry Entry(string jobId, JobLogLevel level, string message) => new()
    {
        JobId = jobId,
        At = time.GetUtcNow().UtcDateTime,
        Level = level,
        Message = ChatOrganizerDb.Lengths.Fit(message, ChatOrganizerDb.Lengths.LogMessage, marker: "…"),
    };

    public async Task WriteAsync(string jobId, JobLogLevel level, string message, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        db.JobLog.Add(Entry(jobId, level, message));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The job was deleted meanwhile (the entry's foreign key): there is no one left to read it.
        }
    }
}
