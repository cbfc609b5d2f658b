using ChatOrganizer.Categorization;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Storage;

/// <summary>
/// The response mode each endpoint and model answer in, in the database: found once, by the first job that asks, and
/// used by every later job and every instance without paying for the refusals again.
/// </summary>
public sealed class StoredResponseModeStore(IDbContextFactory<ChatOrganizerDb> dbs, TimeProvider time) : IResponseModeStore
{
    public async Task<ResponseMode?> GetAsync(string endpoint, string model, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.ResponseModes.AsNoTracking()
            .Where(m => m.Endpoint == endpoint && m.Model == model)
            .Select(m => (ResponseMode?)m.Mode)
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task PutAsync(string endpoint, string model, ResponseMode mode, CancellationToken cancellationToken)
    {
        if (endpoint.Length > ChatOrganizerDb.Lengths.Endpoint || model.Length > ChatOrganizerDb.Lengths.Model) return;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var updated = await db.ResponseModes
            .Where(m => m.Endpoint == endpoint && m.Model == model)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.Mode, mode).SetProperty(m => m.DecidedAt, now), cancellationToken);
        if (updated > 0) return;
        db.ResponseModes.Add(new RememberedResponseMode { Endpoint = endpoint, Model = model, Mode = mode, DecidedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another instance remembered it a moment ago: found the same way, so the same mode.
        }
    }
}
