using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// A step's claim in the app's database: who runs it and until when. A step does its work only while it holds its
// lease, renewed every third of JobOptions.StepLease; a second copy of the same step (queued twice, or
// fetched again while the first still runs, on any instance) finds the lease held and does nothing. A lease whose
// holder died expires, and the step's next copy takes it.
//
// Claiming is one conditional update, so of two copies racing exactly one wins. The claim also counts the step's
// attempt: runs cut short by a crash count towards JobOptions.MaxAttempts like runs that failed.
public sealed class StepLeases(IDbContextFactory<ChatOrganizerDb> dbs, IOptions<JobOptions> options, TimeProvider time, ILogger<StepLeases> logger)
{
    // Claims the read step of a job that is queued or reading, or done and preparing (its second pass, Job.Prepared);
    // null when it is held by another copy or reading is over.
    public async Task<StepLease?> ClaimReadAsync(string jobId, CancellationToken cancellationToken)
    {
        var (owner, now, until) = NewClaim();
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var claimed = await db.Jobs
            .Where(j => j.Id == jobId && (j.Status == JobStatus.Queued || j.Status == JobStatus.Reading || (j.Status == JobStatus.Done && j.Prepared < j.Read)))
            .Where(j => j.ReadLeaseOwner == null || j.ReadLeaseExpiresAt < now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.Status, j => j.Status == JobStatus.Done ? JobStatus.Done : JobStatus.Reading)
                .SetProperty(j => j.ReadAttempts, j => j.ReadAttempts + 1)
                .SetProperty(j => j.StartedAt, j => j.StartedAt ?? now)
                .SetProperty(j => j.ReadLeaseOwner, owner)
                .SetProperty(j => j.ReadLeaseExpiresAt, until), cancellationToken);
        return claimed == 0 ? null : Start(owner, $"reading job {jobId}",
            (db, expires, token) => db.Jobs.Where(j => j.Id == jobId && j.ReadLeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.ReadLeaseExpiresAt, expires), token),
            (db, token) => db.Jobs.Where(j => j.Id == jobId && j.ReadLeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.ReadLeaseOwner, (string?)null).SetProperty(j => j.ReadLeaseExpiresAt, (DateTime?)null), token));
    }

    // Claims a work item that is not complete; null when it is held by another copy or already complete.
    public async Task<StepLease?> ClaimWorkItemAsync(string jobId, int number, CancellationToken cancellationToken)
    {
        var (owner, now, until) = NewClaim();
        var instance = options.Value.InstanceName;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var claimed = await db.WorkItems
            .Where(w => w.JobId == jobId && w.Number == number && w.CompletedAt == null)
            .Where(w => w.LeaseOwner == null || w.LeaseExpiresAt < now)
            .ExecuteUpdateAsync(s => s
                .SetProperty(w => w.Attempts, w => w.Attempts + 1)
                .SetProperty(w => w.Instance, instance)
                .SetProperty(w => w.LeaseOwner, owner)
                .SetProperty(w => w.LeaseExpiresAt, until), cancellationToken);
        return claimed == 0 ? null : Start(owner, $"work item {number} of job {jobId}",
            (db, expires, token) => db.WorkItems.Where(w => w.JobId == jobId && w.Number == number && w.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseExpiresAt, expires), token),
            (db, token) => db.WorkItems.Where(w => w.JobId == jobId && w.Number == number && w.LeaseOwner == owner)
                .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), token));
    }

    // Marks a work item complete and ends its lease in one update, unless the lease was lost meanwhile (then the copy
    // that holds it completes the item).
    public async Task<bool> CompleteWorkItemAsync(StepLease lease, string jobId, int number, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.WorkItems
            .Where(w => w.JobId == jobId && w.Number == number && w.LeaseOwner == lease.Owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(w => w.CompletedAt, now)
                .SetProperty(w => w.LeaseOwner, (string?)null)
                .SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), cancellationToken) == 1;
    }

    // Ends every lease. Only for an instance that knows it is alone and has just started (SQLite mode): any lease still
    // in the database belonged to this instance's previous life, cut short by a crash.
    public async Task ReleaseAllAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var items = await db.WorkItems.Where(w => w.LeaseOwner != null)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LeaseOwner, (string?)null).SetProperty(w => w.LeaseExpiresAt, (DateTime?)null), cancellationToken);
        var reads = await db.Jobs.Where(j => j.ReadLeaseOwner != null)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.ReadLeaseOwner, (string?)null).SetProperty(j => j.ReadLeaseExpiresAt, (DateTime?)null), cancellationToken);
        if (items + reads > 0) logger.LogWarning("Released {Count} step leases left by a previous run of this instance.", items + reads);
    }

    private (string Owner, DateTime Now, DateTime Until) NewClaim()
    {
        var owner = $"{options.Value.InstanceName}/{Guid.NewGuid():N}";
        var now = time.GetUtcNow().UtcDateTime;
        return (owner.Length <= ChatOrganizerDb.Lengths.Instance ? owner : owner[^ChatOrganizerDb.Lengths.Instance..], now, now + options.Value.StepLease);
    }

    private StepLease Start(
        string owner, string step,
        Func<ChatOrganizerDb, DateTime, CancellationToken, Task<int>> renew, Func<ChatOrganizerDb, CancellationToken, Task<int>> release) =>
        new(owner, step, dbs, renew, release, options.Value.StepLease, time, logger);
}

// A held claim: renewed in the background until disposed, which releases it.
public sealed class StepLease : IAsyncDisposable
{
    private readonly IDbContextFactory<ChatOrganizerDb> _dbs;
    private readonly Func<ChatOrganizerDb, DateTime, CancellationToken, Task<int>> _renew;
    private readonly Func<ChatOrganizerDb, CancellationToken, Task<int>> _release;
    private readonly TimeSpan _duration;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _step;
    private readonly CancellationTokenSource _lost = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewal;

    internal StepLease(
        string owner, string step, IDbContextFactory<ChatOrganizerDb> dbs,
        Func<ChatOrganizerDb, DateTime, CancellationToken, Task<int>> renew, Func<ChatOrganizerDb, CancellationToken, Task<int>> release,
        TimeSpan duration, TimeProvider time, ILogger logger)
    {
        Owner = owner;
        _step = step;
        _dbs = dbs;
        _renew = renew;
        _release = release;
        _duration = duration;
        _time = time;
        _logger = logger;
        _renewal = RenewAsync();
    }

    public string Owner { get; }

    // Cancelled when a renewal finds the lease taken by another copy: this one must stop at once.
    public CancellationToken Lost => _lost.Token;

    private async Task RenewAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(_duration / 3, _time, _stop.Token);
                try
                {
                    await using var db = await _dbs.CreateDbContextAsync(_stop.Token);
                    if (await _renew(db, _time.GetUtcNow().UtcDateTime + _duration, _stop.Token) == 0)
                    {
                        _logger.LogWarning("The lease on {Step} was taken by another copy of the step; this copy stops.", _step);
                        await _lost.CancelAsync();
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The database may be back before the lease runs out; if it is not, another copy takes over.
                    _logger.LogWarning(e, "Could not renew the lease on {Step}.", _step);
                }
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Disposed: the step is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _renewal;
        try
        {
            // Released even when the step was cancelled: another copy may start at once instead of waiting for the expiry.
            await using var db = await _dbs.CreateDbContextAsync(CancellationToken.None);
            await _release(db, CancellationToken.None);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Could not release the lease on {Step}; it expires by itself.", _step);
        }
        _stop.Dispose();
        _lost.Dispose();
    }
}
