using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using System.Net.Http.Json;
using System.Text.Json;

namespace ChatOrganizer.Web.Tests.Jobs;

// The read step's stages (the reader collecting, the builder building rows, the writer storing them): what is stored is
// always a prefix of the export, in its order, however the step is stopped, and the step run again reads on from it.
// A month job is done once its summaries are stored, and prepares the rest behind: what needs it waits for it.
public sealed class ReadExportStepTests : IDisposable
{
    private const int Conversations = 600;

    // Batches of three, so that many are in flight between the stages when the step is stopped.
    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().WithoutJobServer().With("Jobs:ReadBatchSize", "3");

    [Fact]
    public async Task AReadStoppedMidwayHasStoredAPrefixOfTheExportAndReadingAgainStoresTheRestInOrder()
    {
        using var client = _app.CreateClient();
        // A topic job stores each conversation whole in one pass (no job server: its work items wait once it is read).
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, "Cooking", "Travel"), mode: "topic");
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
        var read = await _app.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Categorizing, Conversations, (int?)null), (read.Status, read.Read, read.Prepared));
    }

    [Fact]
    public async Task AMonthJobIsDoneOnceItsSummariesAreStoredThenPreparesTheRestAndGoesOnFromWhereAStopLeftIt()
    {
        using var client = _app.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, "Cooking", "Travel"), mode: "month");
        var upload = _app.Services.GetRequiredService<DataFolder>().UploadPath(job.Id);
        using var stop = new CancellationTokenSource();

        var reading = RunAsync(job.Id, job.FileName, stop.Token);
        Job now;
        while ((now = await _app.ReloadAsync(job.Id)) is not { Status: JobStatus.Done, Prepared: >= 30 } && !reading.IsCompleted) await Task.Delay(5);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        var stopped = await _app.ReloadAsync(job.Id);
        List<int> transcribed;
        await using (var db = _app.Db())
        {
            transcribed = await db.Transcripts.Where(t => t.JobId == job.Id).OrderBy(t => t.Index).Select(t => t.Index).ToListAsync();
        }

        // Done with every summary, the rest a prefix, and the upload kept for it.
        Assert.Equal((JobStatus.Done, Conversations), (stopped.Status, stopped.Read));
        Assert.Equal(Enumerable.Range(0, Conversations), await StoredIndicesAsync(job.Id));
        Assert.InRange(stopped.Prepared!.Value, 30, Conversations - 1);
        Assert.Equal(Enumerable.Range(0, stopped.Prepared.Value), transcribed);
        Assert.True(File.Exists(upload));

        // The viewer of a conversation not prepared yet reads it again from the upload at once, as it will be stored.
        var lastUrl = $"/api/jobs/{job.Id}/conversations/{Conversations - 1}";
        var early = await client.GetStringAsync(lastUrl);
        Assert.Contains($"conv-{Conversations - 1:D5}", early, StringComparison.Ordinal);
        // Without its upload (as if the second pass had just ended), it waits for the stored transcript.
        File.Move(upload, upload + ".away");
        var waiting = client.GetStringAsync($"/api/jobs/{job.Id}/conversations/{Conversations - 2}");
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        File.Move(upload + ".away", upload);
        await RunAsync(job.Id, job.FileName, CancellationToken.None);

        Assert.Contains($"conv-{Conversations - 2:D5}", await waiting, StringComparison.Ordinal);
        Assert.Equal(await client.GetStringAsync(lastUrl), early);
        var prepared = await _app.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Done, Conversations, (int?)Conversations), (prepared.Status, prepared.Read, prepared.Prepared));
        await using (var db = _app.Db())
        {
            Assert.Equal(Conversations, await db.Transcripts.CountAsync(t => t.JobId == job.Id));
            Assert.Equal(Conversations, await db.SearchEntries.Where(e => e.JobId == job.Id).Select(e => e.Index).Distinct().CountAsync());
        }
        Assert.False(File.Exists(upload));
        // Once: the job's log says it is done once, its warnings once (the second pass reads the export's own again).
        await using (var db = _app.Db())
        {
            Assert.Equal(1, await db.JobLog.CountAsync(e => e.JobId == job.Id && e.Message.StartsWith("Done:")));
        }
    }

    [Fact]
    public async Task ASecondPassWhoseUploadIsGoneStopsPreparingAndSaysWhatTheJobLacks()
    {
        using var client = _app.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, "Cooking", "Travel"), mode: "month");
        using var stop = new CancellationTokenSource();
        var reading = RunAsync(job.Id, job.FileName, stop.Token);
        while ((await _app.ReloadAsync(job.Id)) is not { Status: JobStatus.Done, Prepared: >= 30 } && !reading.IsCompleted) await Task.Delay(5);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        var prepared = (await _app.ReloadAsync(job.Id)).Prepared!.Value;
        File.Delete(_app.Services.GetRequiredService<DataFolder>().UploadPath(job.Id));

        await RunAsync(job.Id, job.FileName, CancellationToken.None);

        var ended = await _app.ReloadAsync(job.Id);
        Assert.Equal((JobStatus.Done, Conversations, (int?)Conversations), (ended.Status, ended.Read, ended.Prepared));
        await using var db = _app.Db();
        var log = await db.JobLog.AsNoTracking().Where(e => e.JobId == job.Id && e.Level == JobLogLevel.Error).Select(e => e.Message).ToListAsync();
        Assert.Contains(log, m => m.Contains($"from number {prepared + 1:N0} on could not be prepared", StringComparison.Ordinal));
        // Nothing waits for it any more: the viewer of a conversation it lacks says at once that it is not there.
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var missing = await client.GetAsync($"/api/jobs/{job.Id}/conversations/{Conversations - 1}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        Assert.True(started.Elapsed < JobPreparation.Patience / 2, $"{started.Elapsed}");
    }

    [Fact]
    public async Task ASearchWhileAJobIsPreparingWaitsForIt()
    {
        using var client = _app.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(Conversations, "Cooking", "Travel"), mode: "month");
        await using (var db = _app.Db())
        {
            // As the first pass leaves it: every summary stored, nothing of the rest.
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 0));
        }
        using var stop = new CancellationTokenSource();
        var reading = RunAsync(job.Id, job.FileName, stop.Token);
        while ((await _app.ReloadAsync(job.Id)) is not { Status: JobStatus.Done, Prepared: >= 1 } && !reading.IsCompleted) await Task.Delay(5);
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading);
        // The last conversation's title (ExportJson.AboutTopics).
        var search = client.GetAsync($"/api/search?q={Uri.EscapeDataString($"Question {Conversations - 1} about Travel")}");
        await Task.Delay(300);
        Assert.False(search.IsCompleted);
        await RunAsync(job.Id, job.FileName, CancellationToken.None);
        using var answer = await search;

        var hits = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("hits").EnumerateArray().Select(h => h.GetProperty("index").GetInt32()).ToList();
        Assert.Contains(Conversations - 1, hits);
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
