using ChatOrganizer.Categorization;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Storage;

// The response mode each endpoint and model answer in, in the database: found once, by the first job that asks, and
// used by every later job and every instance without paying for the refusals again.
public sealed class StoredResponseModeStore(IDbContextFactory<ChatOrganizerDb> dbs, TimeProvider time) : IResponseModeStore
{
    public async Task<RememberedMode?> GetAsync(string endpoint, string model, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        return await db.ResponseModes.AsNoTracking()
            .Where(m => m.Endpoint == endpoint && m.Model == model)
            .Select(m => new RememberedMode(m.Mode, !m.Tentative))
            .FirstOrDefaultAsync(cancellationToken);
    }

    public async Task PutAsync(string endpoint, string model, RememberedMode remembered, CancellationToken cancellationToken)
    {
        if (endpoint.Length > ChatOrganizerDb.Lengths.Endpoint || model.Length > ChatOrganizerDb.Lengths.Model) return;
        var now = time.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var updated = await db.ResponseModes
            .Where(m => m.Endpoint == endpoint && m.Model == model)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Mode, remembered.Mode)
                .SetProperty(m => m.Tentative, !remembered.Settled)
                .SetProperty(m => m.DecidedAt, now), cancellationToken);
        if (updated > 0) return;
        db.ResponseModes.Add(new RememberedResponseMode
        {
            Endpoint = endpoint, Model = model, Mode = remembered.Mode, Tentative = !remembered.Settled, DecidedAt = now,
        });
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
