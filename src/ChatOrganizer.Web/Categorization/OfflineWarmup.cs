using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.Jobs;

namespace ChatOrganizer.Web.Categorization;

// On a server without an API key, gets the offline categorizer's token vectors ready at start: read from the data
// folder, or distilled from the model the first time (about 10 to 20 seconds on two cores), so that a person's first
// job does not sit at 0% meanwhile. A server with a key leaves it to the first job that asks for the offline categorizer
// (a discover job, an offline run); its other jobs read the vectors from the data folder when they are there, or get
// theirs after they have ended (ConversationVectorBackfill), rather than wait for them (see ReadExportStep).
//
// Distilling gives way to reading (ReadsUnderWay): it stops when a read begins and goes on once none has run for a few
// seconds, so that the model's memory is never added to a read's (a read does not need the vectors: its conversations
// get theirs afterwards). A topic job's categorizing that needs them first distils the rest itself.
internal sealed class OfflineWarmup(BatchCategorizer categorizer, OfflineEngine engine, ReadsUnderWay reads, ILogger<OfflineWarmup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (categorizer.EngineFor() != CategorizationEngine.Offline) return;
        await Task.Yield();
        var before = engine.Tokens.DistilledHere;
        var started = TimeProvider.System.GetTimestamp();
        try
        {
            while (!engine.Tokens.VocabularyReady)
            {
                await reads.WhenQuietAsync(stoppingToken);
                await Task.Run(() => engine.Tokens.PrepareVocabulary(stoppingToken, giveWay: () => reads.Any), stoppingToken);
            }
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
