using ChatOrganizer.Export;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Results;

// The transcript of a conversation whose month or year job is still preparing (Job.Prepared), read again from the
// upload where the first pass found it (StoredConversation.SourceFile, SourceOffset, SourceLength) and made as the
// second pass makes it: the viewer shows it at once instead of waiting for the second pass to reach it. From a JSON
// upload only its bytes are read; from a ZIP its file is inflated up to it.
public sealed class PreparingTranscripts(DataFolder folder, AttachmentStore attachments, IOptions<ExportReaderOptions> exportOptions, ILogger<PreparingTranscripts> logger)
{
    // Null when it cannot be read again: the upload gone (the second pass has ended), a ZIP whose files the second
    // pass has not kept yet (the transcript points to them), or a conversation that was skipped. The caller waits then.
    public async Task<TranscriptDocument?> ReadAsync(ChatOrganizerDb db, string jobId, int index, CancellationToken cancellationToken)
    {
        var source = await db.Conversations.AsNoTracking().Where(c => c.JobId == jobId && c.Index == index)
            .Select(c => new { c.SourceFile, c.SourceOffset, c.SourceLength, FileName = db.Jobs.Where(j => j.Id == jobId).Select(j => j.FileName).FirstOrDefault() })
            .FirstOrDefaultAsync(cancellationToken);
        if (source is not { SourceFile: { } file, SourceLength: > 0, FileName: { } fileName }) return null;
        try
        {
            await using var upload = new FileStream(folder.UploadPath(jobId), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 4096, FileOptions.Asynchronous);
            await using var reader = await ExportReader.OpenAsync(upload, fileName, exportOptions.Value, cancellationToken);
            var files = await attachments.KeptAsync(jobId, cancellationToken);
            if (files.Count == 0 && reader.AttachmentFiles.Count > 0) return null;
            var conversation = await reader.ReadConversationAsync(new ConversationLocation(file, index) { Offset = source.SourceOffset, Length = source.SourceLength }, cancellationToken);
            return conversation is null ? null : TranscriptDocument.From(conversation, files);
        }
        catch (Exception e) when (e is IOException or ExportFormatException or InvalidDataException)
        {
            // FileNotFoundException too: the second pass has just ended, and stored it.
            logger.LogDebug(e, "Conversation {Index} of job {JobId} could not be read again from its upload.", index, jobId);
            return null;
        }
    }
}
