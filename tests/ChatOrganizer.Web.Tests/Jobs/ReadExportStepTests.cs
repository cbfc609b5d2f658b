using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Jobs;

// The read step's stages (the reader collecting, the builder building rows, the writer storing them): what is stored is
// always a prefix of the export, in its order, however the step is stopped, and the step run again reads on from it.
public sealed class ReadExportStepTests : IDisposable
{
    private const int Conversations = 600;

    // Batches of three, so that many are in flight between the stages when the step is stopped.
    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().WithoutJobServer().With("Jobs:ReadBatchSize", "3");

    [Fact]
    public async Task AReadStoppedMidwayHasStoredAPrefixOfTheExportAndReadingAgainStoresTheRestInOrder()
    {
        using var client = _app.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, "Cooking", "Travel"), mode: "month");
        using var stop = new CancellationTokenSource();

        var reading = RunAsync(job.Id, job.FileName, stop.Token);
        while (!reading.IsCompleted && (await _app.ReloadAsync(job.Id)).Read < 30) await Task.Delay(5);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        var stopped = await StoredIndicesAsync(job.Id);
        await RunAsync(job.Id, job.FileName, CancellationToken.None);

        Assert.InRange(stopped.Count, 30, Conversations - 1);
        Assert.Equal(Enumerable.Range(0, stopped.Count), stopped);
        await using var db = _app.Db();
        var conversations = await db.Conversations.AsNoTracking().Where(c => c.JobId == job.Id).OrderBy(c => c.Index).ToListAsync();
        Assert.Equal(Enumerable.Range(0, Conversations).Select(i => $"conv-{i:D5}"), conversations.Select(c => c.ConversationId));
        var transcripts = await db.Transcripts.AsNoTracking().Where(t => t.JobId == job.Id).OrderBy(t => t.Index).ToListAsync();
        Assert.Equal(conversations.Select(c => c.ConversationId), transcripts.Select(t => TranscriptDocument.Decompress(t.Content).ConversationId));
        var done = await _app.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Done, Conversations), (done.Status, done.Read));
    }

    [Fact]
    public async Task TheLogSaysWhatWasWrongWithEachConversationInExportOrderThenWithTheExport()
    {
        using var client = _app.CreateClient();
        var broken = Enumerable.Range(0, 4).Select(i => ExportJson.Conversation($"c{i}", $"Question {i}")).ToArray();
        broken[1]["current_node"] = "nowhere-1";
        broken[3]["current_node"] = "nowhere-3";
        var export = System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(broken) + "\n{\"left\": \"over\"}");
        var job = await client.UploadAsync(export, mode: "month");

        await RunAsync(job.Id, job.FileName, CancellationToken.None);

        await using var db = _app.Db();
        var log = await db.JobLog.AsNoTracking().Where(e => e.JobId == job.Id).OrderBy(e => e.Id).Select(e => e.Message).ToListAsync();
        var first = log.FindIndex(m => m.Contains("(c1)", StringComparison.Ordinal));
        var last = log.FindIndex(m => m.Contains("(c3)", StringComparison.Ordinal));
        var whole = log.FindIndex(m => m.Contains("Data after the end", StringComparison.Ordinal));
        Assert.True(first >= 0 && first < last && last < whole, string.Join(Environment.NewLine, log));
    }

    private async Task<List<int>> StoredIndicesAsync(string jobId)
    {
        await using var db = _app.Db();
        return await db.Conversations.Where(c => c.JobId == jobId).OrderBy(c => c.Index).Select(c => c.Index).ToListAsync();
    }

    // As Hangfire runs the step: in a scope of its own.
    private async Task RunAsync(string jobId, string fileName, CancellationToken cancellationToken)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReadExportStep>().RunAsync(jobId, fileName, cancellationToken);
    }

    public void Dispose() => _app.Dispose();
}
