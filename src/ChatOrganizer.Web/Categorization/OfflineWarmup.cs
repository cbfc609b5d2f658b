using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Web.Categorization;

/// <summary>
/// Gets the offline token vectors ready at start: read from the data folder, or distilled from the model the first time
/// (about 10 to 20 seconds on two cores). Every job uses them, for its similar conversations, and a server without an
/// API key to categorize too; jobs read meanwhile do not wait for them (see ReadExportStep).
/// </summary>
internal sealed class OfflineWarmup(OfflineEngine engine, ILogger<OfflineWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var before = engine.Tokens.DistilledHere;
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            await Task.Run(() => engine.Tokens.PrepareVocabulary(stoppingToken), stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        if (engine.Tokens.DistilledHere > before)
        {
            logger.LogInformation("The offline categorizer's token vectors were distilled from its model in {Seconds:0.0} s and kept in the data folder.",
                TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        }
    }
}
