using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage;

// Databases made before the migrations were generated carry the hand-written chain in their history. Its last step
// left the very schema the generated baseline creates, so such a database is recorded as at the baseline and goes
// on from there; one stopped earlier in the chain is refused with a sentence saying so.
internal static class HandWrittenMigrations
{
    private const string Last = "20261202120000_ResultConfidenceAndReason";

    private static readonly string[] Chain =
    [
        "20261121000000_InitialSchema",
        "20261122000000_WaitForStart",
        "20261202090000_ResponseModes",
        "20261202100000_StepLeases",
        Last,
    ];

    public static async Task AdoptAsync(ChatOrganizerDb db, CancellationToken cancellationToken)
    {
        var history = db.GetService<IHistoryRepository>();
        if (!await history.ExistsAsync(cancellationToken)) return;
        var applied = (await history.GetAppliedMigrationsAsync(cancellationToken)).Select(row => row.MigrationId).ToHashSet();
        if (!applied.Overlaps(Chain)) return;

        var baseline = db.GetService<IMigrationsAssembly>().Migrations.Keys.First();
        if (applied.Contains(baseline)) return;
        if (!applied.Contains(Last))
        {
            throw new InvalidOperationException(
                $"The database was made by an older ChatOrganizer and stopped at migration {applied.Intersect(Chain).Max()}; " +
                $"start the release that brought {Last} once to bring it there, then this one.");
        }

        var row = new HistoryRow(baseline, ProductInfo.GetVersion());
        try
        {
            await db.Database.ExecuteSqlRawAsync(history.GetInsertScript(row), cancellationToken);
        }
        catch (Exception)
        {
            // Another instance starting on the same database may have recorded it first; anything else is an error.
            if (!(await history.GetAppliedMigrationsAsync(cancellationToken)).Any(r => r.MigrationId == baseline)) throw;
        }
    }
}
