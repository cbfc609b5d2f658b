using System.Threading.Channels;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Storage;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// The reading phase, as one step: streams the upload and stores, per conversation, a summary row (with the digest the
// categorizer reads) and the rest: the viewer's transcript, the vector of "similar conversations" and the search rows,
// in batches. A topic or discover job stores both in one pass, then splits the conversations into work items (or waits
// for the person to start that, when asked to). A month or year job needs no model and its results only the summaries:
// it stores them in a first pass, which is little more than reading, and is done; a second pass over the upload then
// stores the rest (Pass.Preparation; Job.Prepared counts it), which was four fifths of the whole step's time (bench
// job-speed), while the person already has the results. What needs those rows meanwhile waits for them (JobPreparation).
//
// Run again after a crash, it skips the conversations already stored (batches are committed in export order, so
// what is stored is always a prefix), and a done job's second pass goes on from Job.Prepared. It reads only while it
// holds the job's read lease: a second copy does nothing.
public sealed class ReadExportStep(
    IDbContextFactory<ChatOrganizerDb> dbs,
    DataFolder folder,
    StepLeases leases,
    ReadsUnderWay reads,
    JobLifecycle lifecycle,
    EarlierResults earlier,
    JobLogWriter log,
    IOptions<JobOptions> options,
    IOptions<CategorizationOptions> categorization,
    IOptions<ExportReaderOptions> exportOptions,
    OfflineEngine offline,
    ConversationVectorBackfill backfill,
    TopicDiscovery discovery,
    AttachmentStore attachments,
    SearchIndexer searchIndex,
    TimeProvider time,
    ILogger<ReadExportStep> logger)
{
    // fileName: For the dashboard's name of the step only.
    // cancellationToken: Hangfire's: cancelled when this instance shuts down.
    [JobDisplayName("Read export {1}")]
    public async Task RunAsync(string jobId, string fileName, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        // Distilling the token vectors in the background waits meanwhile (OfflineWarmup).
        using var underWay = reads.Begin();
        await using var lease = await leases.ClaimReadAsync(jobId, cancellationToken);
        if (lease is null)
        {
            // Read already (a crash before this step was marked done): make sure its work items are queued. Or another
            // copy of this step holds the lease, and reads.
            if (await lifecycle.StatusAsync(jobId, cancellationToken) == JobStatus.Categorizing) await lifecycle.QueuePendingWorkItemsAsync(jobId, cancellationToken);
            else logger.LogInformation("Job {JobId} is being read by another copy of its read step; this one does nothing.", jobId);
            return;
        }
        Job? job;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            job = await db.Jobs.AsNoTracking().FirstOrDefaultAsync(j => j.Id == jobId, cancellationToken);
        }
        if (job is null) return;

        if (job.ReadAttempts > settings.MaxAttempts)
        {
            await FailAsync(job, $"Reading the export stopped {settings.MaxAttempts} times before it could finish.", cancellationToken);
            return;
        }
        if (job.ReadAttempts > 1)
        {
            await log.WriteAsync(jobId, JobLogLevel.Warning, $"Reading again after an interruption (attempt {job.ReadAttempts} of {settings.MaxAttempts}).", cancellationToken);
        }

        using var reading = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lease.Lost);
        try
        {
            if (job.Status == JobStatus.Done) await PrepareAsync(job, reading.Token);
            else await ReadAsync(job, reading.Token);
        }
        catch (OperationCanceledException) when (lease.Lost.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Another copy took the lease over (this one could not renew it in time): it reads on from what is stored.
        }
        catch (ExportFormatException e)
        {
            // The file itself is unreadable: trying again would read it the same way.
            await FailAsync(job, e.Message, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            await FailAsync(job, "The uploaded file is no longer on the server. Please upload it again.", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Reading job {JobId} failed (attempt {Attempt}).", jobId, job.ReadAttempts);
            if (await lifecycle.StatusAsync(jobId, cancellationToken) == JobStatus.Done)
            {
                // The second pass of a job whose results are shown already (this run's first pass may have ended it).
                if (job.ReadAttempts < settings.MaxAttempts) throw;
                await StopPreparingAsync(job, e.Message, cancellationToken);
                return;
            }
            if (!await lifecycle.IsRunningAsync(jobId, cancellationToken)) return; // cancelled or deleted meanwhile
            if (job.ReadAttempts >= settings.MaxAttempts)
            {
                await lifecycle.FailAsync(jobId, $"Reading the export failed {settings.MaxAttempts} times; the last error was: {e.Message}", cancellationToken);
                return;
            }
            await log.WriteAsync(jobId, JobLogLevel.Warning, $"Reading failed ({e.Message}); trying again shortly.", cancellationToken);
            throw; // Hangfire runs the step again (AutomaticRetry, Jobs:RetryDelay).
        }
    }

    private async Task ReadAsync(Job job, CancellationToken cancellationToken)
    {
        int alreadyStored;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            alreadyStored = await db.Conversations.Where(c => c.JobId == job.Id).MaxAsync(c => (int?)c.Index, cancellationToken) + 1 ?? 0;
        }
        var deferred = job.Mode is JobMode.Month or JobMode.Year;
        if (deferred)
        {
            // Preparing from now on: its upload outlives the job's end, for the second pass (JobLifecycle).
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, j => j.Prepared ?? 0), cancellationToken);
        }
        var (read, stored) = await PassAsync(job, deferred ? Pass.Summaries : Pass.Whole, alreadyStored, cancellationToken);
        if (!stored) return;
        if (!deferred) await RefreshStatisticsAsync(cancellationToken);
        await DescribeHistoryAsync(job, cancellationToken);

        if (job.Mode == JobMode.Discover && read > 0) await discovery.RunAsync(job.Id, cancellationToken);
        if (job.Mode != JobMode.Topic || read == 0)
        {
            await lifecycle.FinishAsync(job.Id, cancellationToken);
            if (deferred && await lifecycle.PreparingAsync(job.Id, cancellationToken)) await PrepareAsync(job, cancellationToken);
            return;
        }
        if (job.WaitForStart) await lifecycle.AwaitStartAsync(job.Id, read, cancellationToken);
        else await lifecycle.StartCategorizingAsync(job.Id, read, JobStatus.Reading, cancellationToken);
    }

    // The second pass of a done month or year job: the transcripts, vectors and search rows, from where it stopped.
    private async Task PrepareAsync(Job job, CancellationToken cancellationToken)
    {
        int prepared;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            prepared = await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.Prepared).FirstOrDefaultAsync(cancellationToken) ?? 0;
        }
        var (_, stored) = await PassAsync(job, Pass.Preparation, prepared, cancellationToken);
        if (!stored) return;
        await RefreshStatisticsAsync(cancellationToken);
        await lifecycle.PreparedAsync(job.Id, cancellationToken);
    }

    // Ends a job whose read failed for good; a done job's second pass stops preparing instead.
    private async Task FailAsync(Job job, string reason, CancellationToken cancellationToken)
    {
        if (await lifecycle.StatusAsync(job.Id, cancellationToken) == JobStatus.Done) await StopPreparingAsync(job, reason, cancellationToken);
        else await lifecycle.FailAsync(job.Id, reason, cancellationToken);
    }

    // A second pass that failed for good: the job stops waiting for it, and says which conversations it lacks.
    private async Task StopPreparingAsync(Job job, string reason, CancellationToken cancellationToken)
    {
        int? prepared;
        await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
        {
            prepared = await db.Jobs.Where(j => j.Id == job.Id).Select(j => j.Prepared).FirstOrDefaultAsync(cancellationToken);
        }
        await log.WriteAsync(job.Id, JobLogLevel.Error,
            $"The viewer, search and transcripts of the conversations from number {(prepared ?? 0) + 1:N0} on could not be prepared ({reason}). Their results are kept; upload the export again to view them.",
            cancellationToken);
        await lifecycle.PreparedAsync(job.Id, cancellationToken);
    }

    // Batches of the first pass are this many times JobOptions.ReadBatchSize (whole rows): its rows are small, so there
    // are fewer transactions, and the stages still hold no more than three batches of parsed conversations.
    private const int SummaryBatches = 4;

    // What one pass over the upload stores of each conversation (Batch).
    private enum Pass
    {
        // Its summary and the rest, at once.
        Whole,

        // Its summary, all a month or year job's results need (the first pass).
        Summaries,

        // The rest: its transcript, vector and search rows (a done month or year job's second pass).
        Preparation,
    }

    // Reads the upload from conversation `from` on and stores what the pass does of each; the conversations read in
    // all, and false when the job was cancelled or deleted meanwhile.
    private async Task<(int Read, bool Stored)> PassAsync(Job job, Pass pass, int from, CancellationToken cancellationToken)
    {
        var settings = options.Value;

        // Its count is the reading phase's progress (for a ZIP, roughly the compressed bytes).
        await using var file = new CountingStream(new FileStream(folder.UploadPath(job.Id), FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        await using var reader = await ExportReader.OpenAsync(file, job.FileName, exportOptions.Value, cancellationToken);

        // The export's other files, for the transcripts (the summaries need none of them).
        var files = pass == Pass.Summaries ? new Dictionary<string, KeptFile>() : await attachments.KeepAsync(job.Id, reader, cancellationToken);
        // Every job gets digests for its vectors ("similar conversations"); topic and discover jobs keep them to categorize.
        var digests = DigestBuilder.For(job.Model, categorization.Value);
        Batch NewBatch() => new(job, pass, log, digests, files, time, settings.SearchIndex);
        // Three stages, so that reading, building and storing overlap (SQLite has one writer, the reader one core): the
        // reader collects a batch and hands it over; the builder builds its rows on every core, embeds them and compares
        // them with earlier jobs; the writer stores them. At most one batch waits between stages, so memory stays flat.
        var timings = new ReadTimings();
        var toBuild = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        var toStore = Channel.CreateBounded<Batch>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var builder = Task.Run(() => BuildBatchesAsync(toBuild, toStore, timings, stopping.Token), stopping.Token);
        var writer = Task.Run(() => WriteBatchesAsync(toStore, timings, stopping.Token), stopping.Token);
        var read = from;
        try
        {
            var batch = NewBatch();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            await foreach (var conversation in reader.ReadConversationsAsync(stopping.Token))
            {
                timings.Reading += clock.Elapsed;
                if (conversation.Location.Index < from)
                {
                    clock.Restart();
                    continue;
                }
                batch.Add(conversation);
                read = conversation.Location.Index + 1;
                if (batch.Collected >= (pass == Pass.Summaries ? SummaryBatches * settings.ReadBatchSize : settings.ReadBatchSize))
                {
                    batch.Progress(read, file.BytesRead);
                    clock.Restart();
                    await toBuild.Writer.WriteAsync(batch, stopping.Token);
                    timings.WaitingForBuilder += clock.Elapsed;
                    batch = NewBatch();
                }
                clock.Restart();
            }
            // What the reader found about the export as a whole (a manifest that disagrees, data after the end), once it is all read.
            if (pass != Pass.Preparation) batch.Log.AddRange(reader.Diagnostics.Select(d => log.Entry(job.Id, Level(d), d.Describe())));
            batch.Progress(read, job.UploadBytes);
            await toBuild.Writer.WriteAsync(batch, stopping.Token);
            toBuild.Writer.Complete();
        }
        catch (ChannelClosedException)
        {
            // A later stage stopped: the job was cancelled or deleted, or building or storing failed (awaited below).
        }
        catch
        {
            await stopping.CancelAsync();
            foreach (var stage in new Task[] { builder, writer })
            {
                try { await stage; } catch (Exception) when (stopping.IsCancellationRequested) { }
            }
            throw;
        }
        // The builder's error first, when it stopped the writer.
        await Task.WhenAll(builder, writer);
        logger.LogDebug("Job {JobId} read {Conversations} conversations: {Timings} ({Pass} pass).", job.Id, read - from, timings, pass);
        return (read, writer.Result);
    }

    // The building stage: builds each batch's rows and vectors, in export order, and hands it to the writer.
    private async Task BuildBatchesAsync(Channel<Batch> read, Channel<Batch> built, ReadTimings timings, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in read.Reader.ReadAllAsync(cancellationToken))
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                batch.Build(cancellationToken);
                timings.Building += clock.Elapsed;
                clock.Restart();
                // Embedded before the writer's transaction opens: SQLite has one writer, and other jobs' steps wait on it.
                if (batch.Pass != Pass.Summaries) batch.Embed(offline, backfill, cancellationToken);
                timings.Vectors += clock.Elapsed;
                clock.Restart();
                // Here, not in the writer, which was the slowest stage: earlier jobs' rows are only read (beside the
                // writer's transaction, as SQLite's WAL lets a reader), and this batch's are not among them.
                if (batch.Pass != Pass.Preparation) await batch.CompareWithEarlierAsync(earlier, time, cancellationToken);
                timings.History += clock.Elapsed;
                clock.Restart();
                await built.Writer.WriteAsync(batch, cancellationToken);
                timings.WaitingForWriter += clock.Elapsed;
            }
            built.Writer.TryComplete();
        }
        catch (ChannelClosedException)
        {
            // The writer stopped; what it returns or throws says why.
        }
        catch (Exception e)
        {
            built.Writer.TryComplete(e);
            throw;
        }
        finally
        {
            // The reader stops handing batches over once nothing takes them (ChannelClosedException).
            read.Writer.TryComplete();
        }
    }

    // The writing stage: stores each batch handed over, in export order; false when the job was cancelled or deleted.
    private async Task<bool> WriteBatchesAsync(Channel<Batch> batches, ReadTimings timings, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in batches.Reader.ReadAllAsync(cancellationToken))
            {
                if (!await SaveAsync(batch, timings, cancellationToken)) return false;
            }
            return true;
        }
        finally
        {
            // The builder stops handing batches over once nothing takes them (ChannelClosedException).
            batches.Writer.TryComplete();
        }
    }

    // Stores a batch and the progress counters in one transaction; false when the job was cancelled or deleted.
    private async Task<bool> SaveAsync(Batch batch, ReadTimings timings, CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var turn = await searchIndex.BatchTurnAsync(cancellationToken);
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var jobs = db.Jobs.Where(j => j.Id == batch.Job.Id);
        var counted = batch.Pass == Pass.Preparation
            ? await jobs.Where(j => j.Status == JobStatus.Done).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, batch.Read), cancellationToken)
            : await CountAsync(jobs.Where(j => j.Status == JobStatus.Reading), batch, cancellationToken);
        if (counted == 0) return false;

        await ReadRowWriter.WriteAsync(db, batch.Conversations, batch.Transcripts, batch.Vectors, batch.SearchEntries, cancellationToken);
        db.Results.AddRange(batch.Unreadable);
        db.Results.AddRange(batch.Reused);
        db.JobLog.AddRange(batch.Log);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        timings.Storing += clock.Elapsed;
        turn.Dispose();
        if (batch.SearchEntries.Count > 0) searchIndex.Wake();
        return true;
    }

    // The read counters once a batch of summaries is stored.
    private static Task<int> CountAsync(IQueryable<Job> job, Batch batch, CancellationToken cancellationToken)
    {
        var (known, changed, added) = (batch.CountOf(ConversationHistory.Known), batch.CountOf(ConversationHistory.Changed), batch.CountOf(ConversationHistory.New));
        return job.ExecuteUpdateAsync(s => s
            .SetProperty(j => j.Read, batch.Read)
            .SetProperty(j => j.BytesRead, batch.BytesRead)
            .SetProperty(j => j.Failed, j => j.Failed + batch.Unreadable.Count)
            .SetProperty(j => j.Categorized, j => j.Categorized + batch.Reused.Count)
            .SetProperty(j => j.ReusedResults, j => j.ReusedResults + batch.Reused.Count)
            .SetProperty(j => j.KnownConversations, j => j.KnownConversations + known)
            .SetProperty(j => j.ChangedConversations, j => j.ChangedConversations + changed)
            .SetProperty(j => j.NewConversations, j => j.NewConversations + added), cancellationToken);
    }

    // Where the read step's time went, for the log at Debug (bench job-speed reads it): the reader's own time and its
    // waits for the builder; the builder's rows (digests, search text, compressed transcripts), vectors and comparing
    // with earlier jobs, and its waits for the writer; the writer's storing.
    private sealed class ReadTimings
    {
        public TimeSpan Reading { get; set; }
        public TimeSpan WaitingForBuilder { get; set; }
        public TimeSpan Building { get; set; }
        public TimeSpan Vectors { get; set; }
        public TimeSpan WaitingForWriter { get; set; }
        public TimeSpan History { get; set; }
        public TimeSpan Storing { get; set; }

        public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"reading {Reading.TotalSeconds:0.00} s, waiting for the builder {WaitingForBuilder.TotalSeconds:0.00} s; " +
            $"builder: building {Building.TotalSeconds:0.00} s, vectors {Vectors.TotalSeconds:0.00} s, history {History.TotalSeconds:0.00} s, " +
            $"waiting for the writer {WaitingForWriter.TotalSeconds:0.00} s; writer: storing {Storing.TotalSeconds:0.00} s");
    }

    // Conversations read, then the rows built of them, waiting to be stored.
    private sealed class Batch(Job job, Pass pass, JobLogWriter log, DigestBuilder digests, IReadOnlyDictionary<string, KeptFile> files, TimeProvider time, bool indexForSearch)
    {
        public Job Job { get; } = job;
        public Pass Pass { get; } = pass;
        public List<StoredConversation> Conversations { get; } = [];
        public List<ConversationTranscript> Transcripts { get; } = [];
        private List<ConversationDigest> Digests { get; } = [];
        public List<JobLogEntry> Log { get; } = [];
        public List<SearchEntry> SearchEntries { get; } = [];

        // Topic jobs: categories of unchanged conversations, taken from an earlier job of the session.
        public List<ConversationResult> Reused { get; } = [];

        // Topic jobs: conversations with no title and no visible text, failed now rather than filed under a guess.
        public List<ConversationResult> Unreadable { get; } = [];

        // The job's counters once this batch is stored.
        public int Read { get; private set; }
        public long BytesRead { get; private set; }

        public void Progress(int read, long bytesRead) => (Read, BytesRead) = (read, bytesRead);

        // Read, not yet built: the reader only collects, so that building (the busiest part) runs on every core.
        private readonly List<Conversation> _read = [];

        public int Collected => _read.Count;

        public void Add(Conversation conversation) => _read.Add(conversation);

        // Builds the rows of the conversations collected, each on its own (in parallel), kept in export order.
        public void Build(CancellationToken cancellationToken)
        {
            var built = new Built[_read.Count];
            Parallel.For(0, _read.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => built[i] = RowsOf(_read[i]));
            _read.Clear();
            // Before what the log holds already: the last batch carries the export's own diagnostics, found after its
            // conversations were read, and they come after theirs.
            Log.InsertRange(0, built.SelectMany(one => one.Log));
            foreach (var one in built)
            {
                if (one.Digest is { } digest) Digests.Add(digest);
                SearchEntries.AddRange(one.SearchEntries);
                if (one.Conversation is { } conversation) Conversations.Add(conversation);
                if (one.Transcript is { } transcript) Transcripts.Add(transcript);
                if (one.Unreadable is { } unreadable) Unreadable.Add(unreadable);
            }
        }

        // Digest: For the vector, when the pass stores it.
        private sealed record Built(ConversationDigest? Digest, IReadOnlyList<SearchEntry> SearchEntries, StoredConversation? Conversation,
            ConversationTranscript? Transcript, IReadOnlyList<JobLogEntry> Log, ConversationResult? Unreadable);

        private Built RowsOf(Conversation conversation)
        {
            var index = conversation.Location.Index;
            var keep = Job.Mode is JobMode.Topic or JobMode.Discover;
            var summary = Pass != Pass.Preparation;
            var rest = Pass != Pass.Summaries;
            var digest = keep || rest ? digests.Build(conversation) : null;
            // The rest: what the viewer, "similar conversations" and search read.
            ConversationDigest? vector = null;
            IReadOnlyList<SearchEntry> entries = [];
            ConversationTranscript? transcript = null;
            if (rest) (vector, entries, transcript) = (VectorDigest(digest!, index), indexForSearch ? SearchText.Entries(Job.Id, index, conversation) : [], Transcript(conversation, index));
            if (!summary) return new Built(vector, entries, null, transcript, [], null);
            var stored = new StoredConversation
            {
                JobId = Job.Id,
                Index = index,
                ConversationId = ChatOrganizerDb.Lengths.Fit(conversation.Id, ChatOrganizerDb.Lengths.ConversationId),
                Title = ChatOrganizerDb.Lengths.Fit(conversation.Title, ChatOrganizerDb.Lengths.Title),
                CreateTime = conversation.CreateTime?.UtcDateTime,
                UpdateTime = conversation.UpdateTime?.UtcDateTime,
                MessageCount = conversation.ActiveMessages.Count(m => !m.IsHidden),
                Model = ChatOrganizerDb.Lengths.Fit(conversation.Model, ChatOrganizerDb.Lengths.Model),
                Warnings = conversation.Diagnostics.Count,
                Snippet = Snippet(conversation),
                DigestTitle = keep ? digest!.Title : null,
                DigestText = keep ? digest!.Text : null,
                DigestTokens = keep ? digest!.Tokens : 0,
                DigestHash = keep ? digest!.Hash : null,
                ContentHash = SearchText.ContentHash(conversation),
                // Read again by the viewer while a month or year job prepares (ConversationStore).
                SourceFile = Pass == Pass.Summaries ? ChatOrganizerDb.Lengths.Fit(conversation.Location.File, ChatOrganizerDb.Lengths.ExportPath) : null,
                SourceOffset = Pass == Pass.Summaries ? conversation.Location.Offset : 0,
                SourceLength = Pass == Pass.Summaries ? conversation.Location.Length : 0,
            };
            var logged = conversation.Diagnostics.Select(d => log.Entry(Job.Id, Level(d), d.Describe())).ToList();
            var unreadable = keep && NothingToCategorize.Reason(conversation, digest!) is { } reason
                ? new ConversationResult
                {
                    JobId = Job.Id,
                    Index = index,
                    Status = CategorizationStatus.Failed,
                    Engine = Job.Engine ?? CategorizationEngine.Offline,
                    Model = Job.Model,
                    FailureReason = ChatOrganizerDb.Lengths.Fit(reason, ChatOrganizerDb.Lengths.Reason),
                    At = time.GetUtcNow().UtcDateTime,
                }
                : null;
            return new Built(vector, entries, stored, transcript, logged, unreadable);
        }

        private ConversationTranscript Transcript(Conversation conversation, int index) =>
            new() { JobId = Job.Id, Index = index, Content = TranscriptDocument.From(conversation, files).Compress() };

        // Embed finds each vector's conversation by its digest's id.
        private static ConversationDigest VectorDigest(ConversationDigest digest, int index) =>
            digest with { ConversationId = index.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        // The batch's offline vectors, quantized: thousands a second once the process has its token vectors. Until it
        // has (the warm-up of a server without a key; a server with a key reads them from the data folder when they are
        // there, else distils them after the job), a job that only needs them for "similar conversations" does not wait:
        // its batches read meanwhile get theirs when it has ended (ConversationVectorBackfill). A discover job needs them all.
        public List<ConversationVector> Vectors { get; } = [];

        public void Embed(OfflineEngine offline, ConversationVectorBackfill backfill, CancellationToken cancellationToken)
        {
            if (Digests.Count == 0) return;
            if (Job.Mode != JobMode.Discover && !offline.Tokens.TryReadCache())
            {
                backfill.Request(Job.Id);
                return;
            }
            var vectors = ConversationMap.Vectors(offline, Digests, cancellationToken);
            Vectors.AddRange(Digests.Select((d, i) => new ConversationVector { JobId = Job.Id, Index = int.Parse(d.ConversationId, System.Globalization.CultureInfo.InvariantCulture), Vector = QuantizedVectors.Quantize(vectors[i]) }));
        }

        public int CountOf(ConversationHistory history) => Conversations.Count(c => c.History == history);

        // Marks each conversation new, changed or known to the session, and takes the earlier category of each known one it can.
        public async Task CompareWithEarlierAsync(EarlierResults earlier, TimeProvider clock, CancellationToken cancellationToken)
        {
            var withIds = Conversations.Where(c => c.ConversationId is not null).ToList();
            var found = await earlier.FindAsync(Job, [.. withIds.Select(c => (c.ConversationId!, c.UpdateTime, c.ContentHash))], cancellationToken);
            var unreadable = Unreadable.Select(u => u.Index).ToHashSet();
            foreach (var conversation in withIds)
            {
                if (!found.TryGetValue(conversation.ConversationId!, out var before))
                {
                    conversation.History = ConversationHistory.New;
                    continue;
                }
                conversation.History = before.Unchanged ? ConversationHistory.Known : ConversationHistory.Changed;
                if (before.Reusable is not { } result || unreadable.Contains(conversation.Index)) continue;
                Reused.Add(new ConversationResult
                {
                    JobId = Job.Id,
                    Index = conversation.Index,
                    Status = CategorizationStatus.Categorized,
                    Category = result.Category,
                    Engine = result.Engine,
                    Model = result.Model,
                    Confidence = result.Confidence,
                    Reason = result.Reason,
                    Reused = true,
                    At = clock.GetUtcNow().UtcDateTime,
                });
            }
        }

        // The first visible message the person typed, its whitespace folded onto one line.
        private static string? Snippet(Conversation conversation)
        {
            var first = conversation.ActiveMessages.FirstOrDefault(m => m is { Role: "user", IsHidden: false } && !string.IsNullOrWhiteSpace(m.Text));
            return first is null ? null : TextCut.Line(first.Text, ChatOrganizerDb.Lengths.Snippet);
        }
    }

    // PostgreSQL plans a search by its tables' statistics, which autovacuum refreshes only a while after a large read:
    // searches right after one were 2.5 times slower at the median (bench search --postgres). SQLite plans without them.
    private async Task RefreshStatisticsAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsNpgsql()) await db.Database.ExecuteSqlRawAsync("ANALYZE conversations, search_entries", cancellationToken);
    }

    // Says in the log what the session had already of this export, once it is all read.
    private async Task DescribeHistoryAsync(Job job, CancellationToken cancellationToken)
    {
        await using var db = await dbs.CreateDbContextAsync(cancellationToken);
        var counts = await db.Jobs.AsNoTracking().Where(j => j.Id == job.Id)
            .Select(j => new { j.KnownConversations, j.NewConversations, j.ChangedConversations, j.ReusedResults })
            .FirstOrDefaultAsync(cancellationToken);
        if (counts is null || counts.KnownConversations + counts.ChangedConversations == 0) return;
        var reused = job.Mode != JobMode.Topic ? ""
            : counts.ReusedResults == 0 ? " None of their categories could be reused (another category set or model), so all are categorized."
            : $" {Display.Plural(counts.ReusedResults, "keeps the category it had", "keep the category they had")}, with no model request; only the new and changed ones are categorized.";
        await log.WriteAsync(job.Id, JobLogLevel.Info,
            $"{Display.Plural(counts.KnownConversations, "conversation you already had", "conversations you already had")}, {counts.NewConversations:N0} new, {counts.ChangedConversations:N0} changed since.{reused}", cancellationToken);
    }

    private static JobLogLevel Level(Diagnostic diagnostic) => diagnostic.Severity == DiagnosticSeverity.Error ? JobLogLevel.Error : JobLogLevel.Warning;
}
