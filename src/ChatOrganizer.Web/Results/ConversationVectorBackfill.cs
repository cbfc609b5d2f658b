using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace ChatOrganizer.Web.Results;

// Vectors for the conversations a job read before the process had its token vectors: the jobs of a server with an API
// key, which does not distil them at start (several instances starting at once, or one restarted, would each spend
// their first seconds on it). Once such a job has ended, the token vectors are read from the data folder's cache file
// or, failing that, distilled on one core at the lowest priority, and the missing vectors are made from the stored
// digests (topic jobs) or transcripts (month and year jobs). A viewer that finds none asks for them too (a job read
// before a restart). Until then the viewer says they are on their way.
public sealed class ConversationVectorBackfill(
    IDbContextFactory<ChatOrganizerDb> dbs,
    OfflineEngine offline,
    ReadsUnderWay reads,
    IMemoryCache cache,
    ILogger<ConversationVectorBackfill> logger) : BackgroundService
{
    private const int Chunk = 1000;

    // Each cut to what a digest gives the offline reader: the start of a conversation says what it is about.
    private const int MaxMessageCharacters = 1200;
    private const int MaxTextCharacters = 4000;

    // How often an unended job is looked at, and how long the process is left alone after it ends (the job's own
    // memory given back before the model's is taken).
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private readonly Channel<string> _requests = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<string, byte> _asked = new(StringComparer.Ordinal);

    // Asks for the job's missing vectors, once per job and process.
    public void Request(string jobId)
    {
        if (_asked.TryAdd(jobId, 0)) _requests.Writer.TryWrite(jobId);
    }

    // True while the job's vectors are asked for and not made yet.
    public bool IsPending(string jobId) => _asked.TryGetValue(jobId, out var state) && state == 0;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var jobId in _requests.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                if (await WaitUntilEndedAsync(jobId, stoppingToken) && await VocabularyAsync(stoppingToken)) await FillAsync(jobId, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbUpdateException or InvalidOperationException or IOException or InvalidDataException)
            {
                // The job deleted meanwhile, or a transcript unreadable: the job shows no similar conversations, nothing else.
                logger.LogWarning(e, "Vectors for the similar conversations of job {JobId} could not be made.", jobId);
            }
            _asked[jobId] = 1;
            cache.Remove(SimilarConversations.CacheKey(jobId));
        }
    }

    // False when the job is gone.
    private async Task<bool> WaitUntilEndedAsync(string jobId, CancellationToken cancellationToken)
    {
        while (true)
        {
            await using (var db = await dbs.CreateDbContextAsync(cancellationToken))
            {
                var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.Status, Preparing = j.Prepared < j.Read }).FirstOrDefaultAsync(cancellationToken);
                if (job is null) return false;
                // A done job that is preparing still stores vectors (ReadExportStep's second pass).
                if (job.Status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled && !job.Preparing) break;
            }
            await Task.Delay(Poll, cancellationToken);
        }
        await Task.Delay(Quiet, cancellationToken);
        return true;
    }

    private async Task<bool> VocabularyAsync(CancellationToken cancellationToken)
    {
        if (offline.Tokens.TryReadCache()) return true;
        var started = TimeProvider.System.GetTimestamp();
        // Another job's read goes first, as for OfflineWarmup.
        while (!offline.Tokens.VocabularyReady)
        {
            await reads.WhenQuietAsync(cancellationToken);
            await LowPriority.RunAsync(() => offline.Tokens.PrepareVocabulary(cancellationToken, threads: 1, giveWay: () => reads.Any), cancellationToken);
        }
        logger.LogInformation("The offline token vectors were distilled in the background in {Seconds:0.0} s, for similar conversations.",
            TimeProvider.System.GetElapsedTime(started).TotalSeconds);
        return offline.Tokens.VocabularyReady;
    }

    private async Task FillAsync(string jobId, CancellationToken cancellationToken)
    {
        var after = -1;
        var made = 0;
        while (true)
        {
            await using var db = await dbs.CreateDbContextAsync(cancellationToken);
            var missing = await db.Conversations.AsNoTracking()
                .Where(c => c.JobId == jobId && c.Index > after && !db.Vectors.Any(v => v.JobId == jobId && v.Index == c.Index))
                .OrderBy(c => c.Index).Take(Chunk)
                .Select(c => new { c.Index, c.Title, c.DigestTitle, c.DigestText })
                .ToListAsync(cancellationToken);
            if (missing.Count == 0) break;
            var needTranscript = missing.Where(m => m.DigestText is null).Select(m => m.Index).ToList();
            var transcripts = await db.Transcripts.AsNoTracking()
                .Where(t => t.JobId == jobId && needTranscript.Contains(t.Index))
                .ToDictionaryAsync(t => t.Index, t => t.Content, cancellationToken);
            var digests = missing.Select(m => new ConversationDigest(
                m.Index.ToString(CultureInfo.InvariantCulture),
                m.DigestTitle ?? m.Title ?? "",
                m.DigestText ?? (transcripts.TryGetValue(m.Index, out var content) ? TextOf(TranscriptDocument.Decompress(content)) : ""),
                0, "")).ToList();
            var vectors = await Task.Run(() => ConversationMap.Vectors(offline, digests, cancellationToken), cancellationToken);
            db.Vectors.AddRange(digests.Select((d, i) => new ConversationVector
            {
                JobId = jobId,
                Index = int.Parse(d.ConversationId, CultureInfo.InvariantCulture),
                Vector = QuantizedVectors.Quantize(vectors[i]),
            }));
            await db.SaveChangesAsync(cancellationToken);
            made += digests.Count;
            after = missing[^1].Index;
        }
        if (made > 0) logger.LogInformation("Made the vectors of {Count} conversations of job {JobId} for similar conversations.", made, jobId);
    }

    // What a digest would say of a conversation, from its transcript: the person's and the answers' visible text along
    // the active path, in DigestBuilder's "User: " / "Assistant: " lines.
    internal static string TextOf(TranscriptDocument transcript)
    {
        var messages = transcript.Nodes.Where(n => n.Message is not null).ToDictionary(n => n.Id, n => n.Message!, StringComparer.Ordinal);
        var lines = new List<string>();
        var length = 0;
        foreach (var id in transcript.ActivePath)
        {
            if (!messages.TryGetValue(id, out var message) || message.IsHidden || message.Tool is not null
                || message.Role is not ("user" or "assistant") || message.ContentType is not ("text" or "multimodal_text")) continue;
            var text = string.Join(' ', message.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            if (text.Length == 0) continue;
            if (text.Length > MaxMessageCharacters) text = text[..MaxMessageCharacters];
            lines.Add($"{(message.Role == "user" ? "User" : "Assistant")}: {text}");
            if ((length += text.Length) >= MaxTextCharacters) break;
        }
        return string.Join('\n', lines);
    }

    // Work on a thread of its own at the lowest scheduling priority (Linux's nice 19), so requests and jobs go first.
    private static class LowPriority
    {
        private const int PriorityProcess = 0; // PRIO_PROCESS: on Linux, with a thread id, that one thread
        private const int Lowest = 19;

        public static Task RunAsync(Action work, CancellationToken cancellationToken)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    Lower();
                    work();
                    done.TrySetResult();
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    done.TrySetCanceled(cancellationToken);
                }
                catch (Exception e)
                {
                    done.TrySetException(e);
                }
            })
            { IsBackground = true, Name = "Token vectors in the background", Priority = ThreadPriority.Lowest };
            thread.Start();
            return done.Task;
        }

        private static void Lower()
        {
            if (!OperatingSystem.IsLinux()) return;
            try
            {
                _ = SetPriority(PriorityProcess, GetThreadId(), Lowest);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                // A libc without gettid: the work runs at normal priority, on one core still.
            }
        }

        // DllImport rather than LibraryImport: ints need no marshalling, and the project allows no unsafe code.
        [DllImport("libc", EntryPoint = "gettid")]
        private static extern int GetThreadId();

        [DllImport("libc", EntryPoint = "setpriority")]
        private static extern int SetPriority(int which, int who, int priority);
    }
}
