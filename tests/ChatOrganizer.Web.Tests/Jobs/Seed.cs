using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

// Rows written straight to the app's database, for states a test cannot wait for (a job mid-way, retries spent).
internal static class Seed
{
    public static ChatOrganizerDb Db(this ChatOrganizerApp app) =>
        app.Services.GetRequiredService<IDbContextFactory<ChatOrganizerDb>>().CreateDbContext();

    public static async Task<Job> JobAsync(this ChatOrganizerApp app, string owner, JobStatus status, JobMode mode = JobMode.Topic, Action<Job>? change = null, DateTime? createdAt = null)
    {
        var job = new Job
        {
            Id = Web.Jobs.JobService.NewJobId(),
            OwnerId = owner,
            Mode = mode,
            Status = status,
            FileName = "conversations.json",
            UploadBytes = 10,
            // Young: the maintenance sweep leaves jobs alone in their first minute, so seeding can finish.
            CreatedAt = createdAt ?? DateTime.UtcNow,
            StartedAt = createdAt ?? DateTime.UtcNow,
        };
        change?.Invoke(job);
        await using var db = app.Db();
        db.Jobs.Add(job);
        await db.SaveChangesAsync();
        await File.WriteAllTextAsync(Path.Combine(app.DataDirectory, "uploads", job.Id), "[]");
        return job;
    }

    public static async Task AddAsync(this ChatOrganizerApp app, params object[] rows)
    {
        await using var db = app.Db();
        db.AddRange(rows);
        await db.SaveChangesAsync();
    }

    public static async Task<Job> ReloadAsync(this ChatOrganizerApp app, string jobId)
    {
        await using var db = app.Db();
        return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == jobId);
    }

    public static Task<Job> WaitForAsync(this ChatOrganizerApp app, string jobId, Func<Job, bool> condition) =>
        Eventually.MatchesAsync(() => app.ReloadAsync(jobId), condition, Eventually.BackgroundWork, job => $"job {jobId} {job.Status}");
}
