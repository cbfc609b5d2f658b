using System.Runtime.CompilerServices;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

// Stored conversations' transcripts: the viewer's chat, and every transcript in turn for downloads.
public sealed class ConversationStore(ChatOrganizerDb db, ResultsQuery results, PreparingTranscripts preparing)
{
    private const int DownloadBatch = 100;

    // Null when there is no such conversation in a job of this session.
    public async Task<ConversationDetail?> GetAsync(string ownerId, string jobId, int index, CancellationToken cancellationToken) =>
        await GetTranscriptAsync(ownerId, jobId, index, cancellationToken) is var (summary, transcript)
            ? new ConversationDetail(summary, transcript.CustomInstructions, Turns(transcript), transcript.Diagnostics)
            : null;

    // The conversation's summary and whole stored transcript (the viewer walks any branch of it); null when there is no such conversation in a job of this session.
    public async Task<(ResultConversation Summary, TranscriptDocument Transcript)?> GetTranscriptAsync(
        string ownerId, string jobId, int index, CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(ownerId, jobId, cancellationToken)) return null;

        var summary = await results.ListConversations(jobId, index).FirstOrDefaultAsync(cancellationToken);
        if (summary?.Index != index) return null;
        if (await TranscriptAsync(jobId, index, cancellationToken) is { } stored) return (summary, TranscriptDocument.Decompress(stored));
        // A job preparing: read again from its upload, or else waited for.
        if (!await db.Jobs.AnyAsync(j => j.Id == jobId && j.Prepared <= index && j.Prepared < j.Read, cancellationToken)) return null;
        if (await preparing.ReadAsync(db, jobId, index, cancellationToken) is { } read) return (summary, read);
        return await JobPreparation.WaitAsync(db, jobId, index + 1, JobPreparation.Patience, cancellationToken)
            && await TranscriptAsync(jobId, index, cancellationToken) is { } prepared
            ? (summary, TranscriptDocument.Decompress(prepared))
            : null;
    }

    private Task<byte[]?> TranscriptAsync(string jobId, int index, CancellationToken cancellationToken) =>
        db.Transcripts.AsNoTracking().Where(t => t.JobId == jobId && t.Index == index).Select(t => t.Content).FirstOrDefaultAsync(cancellationToken);

    // Every conversation of a job with its transcript, in export order, a batch at a time; empty for another session's
    // job. A job preparing gives each batch once it is prepared: the download goes as fast as the preparing.
    public async IAsyncEnumerable<(ResultConversation Summary, TranscriptDocument Transcript)> ReadAllAsync(
        string ownerId, string jobId, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!await OwnsAsync(ownerId, jobId, cancellationToken)) yield break;

        var next = 0;
        while (true)
        {
            var summaries = await results.ListConversations(jobId, next).Take(DownloadBatch).ToListAsync(cancellationToken);
            if (summaries.Count == 0) yield break;

            var (first, last) = (summaries[0].Index, summaries[^1].Index);
            if (!await JobPreparation.WaitAsync(db, jobId, last + 1, JobPreparation.Patience, cancellationToken))
            {
                throw new TimeoutException($"The transcripts of job {jobId} from conversation {first} on were not prepared within {JobPreparation.Patience.TotalSeconds:0} s.");
            }
            var transcripts = await db.Transcripts.AsNoTracking()
                .Where(t => t.JobId == jobId && t.Index >= first && t.Index <= last)
                .ToDictionaryAsync(t => t.Index, t => t.Content, cancellationToken);
            foreach (var summary in summaries)
            {
                if (transcripts.TryGetValue(summary.Index, out var content)) yield return (summary, TranscriptDocument.Decompress(content));
            }
            next = last + 1;
        }
    }

    private Task<bool> OwnsAsync(string ownerId, string jobId, CancellationToken cancellationToken) =>
        db.Jobs.AnyAsync(j => j.Id == jobId && j.OwnerId == ownerId, cancellationToken);

    // The active path as turns (the core's rule, MessageTree.ActiveTurns); a message that was edited or regenerated carries the other versions.
    internal static IReadOnlyList<TranscriptTurn> Turns(TranscriptDocument transcript)
    {
        var tree = new MessageTree([.. transcript.Nodes.Select(n => new MessageNode(n.Id, n.ParentId, n.Children, null))], transcript.ActivePath, transcript.BranchPoints);
        var messages = transcript.Nodes.GroupBy(n => n.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Message, StringComparer.Ordinal);
        return [.. tree.ActiveTurns()
            .Where(turn => messages.GetValueOrDefault(turn.NodeId) is not null)
            .Select(turn => new TranscriptTurn(
                messages[turn.NodeId]!,
                [.. turn.Alternatives.Select(b => new TranscriptBranch(b.StartId, [.. b.NodeIds.Select(id => messages[id]).OfType<TranscriptMessage>()]))]))];
    }
}

public sealed record ConversationDetail(
    ResultConversation Summary,
    TranscriptInstructions? CustomInstructions,
    IReadOnlyList<TranscriptTurn> Messages,
    IReadOnlyList<string> Diagnostics);

// Alternatives: Other versions of this message (edits, regenerations), each followed down to its end.
public sealed record TranscriptTurn(TranscriptMessage Message, IReadOnlyList<TranscriptBranch> Alternatives);

public sealed record TranscriptBranch(string NodeId, IReadOnlyList<TranscriptMessage> Messages);
