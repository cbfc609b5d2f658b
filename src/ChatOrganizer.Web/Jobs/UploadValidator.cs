using System.IO.Pipelines;
using ChatOrganizer.Export;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// Refuses a broken or hostile export while its sender still waits, with the reader's sentence saying
// where, instead of a job discovering it later: one scan of the spooled file that builds nothing
// (ZIP limits, JSON syntax and nesting, string and conversation sizes, UTF-8, truncation).
public sealed class UploadValidator(IOptions<ExportReaderOptions> options)
{
    private const int ProblemsNamed = 3;

    // A JSON or chat.html is read front to back, so it is checked as it arrives (see ArrivingCheck); a ZIP's
    // directory sits at its end, so a ZIP is checked once it is all on disk, here.
    public static bool ChecksAsItArrives(string fileName) => !Path.GetExtension(fileName).Equals(".zip", StringComparison.OrdinalIgnoreCase);

    // Throws RequestRejectedException 422 with what is wrong and where.
    public async Task<ExportCheck> CheckAsync(ReceivedUpload upload, CancellationToken cancellationToken)
    {
        var check = upload.Check;
        if (check is null)
        {
            await using var file = new FileStream(upload.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            check = await ScanAsync(upload.Progress is { } progress ? new CountingStream(file, leaveOpen: true, onRead: progress.Checked) : file, upload.FileName, cancellationToken);
        }

        if (check.LimitsBroken.Count > 0)
        {
            var named = string.Join(" ", check.LimitsBroken.Take(ProblemsNamed).Select(d => $"Conversation #{d.Index} in {d.File}: {d.Reason}"));
            var more = check.LimitsBroken.Count > ProblemsNamed ? $" And {check.LimitsBroken.Count - ProblemsNamed} more." : "";
            throw Unreadable($"The export breaks this server's limits, so nothing was stored. {named}{more}");
        }
        if (check.Conversations == 0)
        {
            throw Unreadable(check.NotConversations > 0
                ? $"The file is a JSON array, but none of its {check.NotConversations} items is a conversation (a JSON object)."
                : "The export holds no conversations, so there is nothing to organize.");
        }
        return check;
    }

    // One scan that builds nothing; what it finds is judged by CheckAsync.
    // Throws RequestRejectedException 422 The export cannot be read at all.
    internal async Task<ExportCheck> ScanAsync(Stream export, string fileName, CancellationToken cancellationToken)
    {
        try
        {
            await using var reader = await ExportReader.OpenAsync(export, fileName, options.Value, cancellationToken);
            return await reader.CheckAsync(cancellationToken);
        }
        catch (ExportFormatException e)
        {
            throw Unreadable($"This is not a ChatGPT export this server can read: {e.Message}");
        }
    }

    private static RequestRejectedException Unreadable(string message) => new(StatusCodes.Status422UnprocessableEntity, message);
}

// The reader's limits from the Export section; every bad one is reported at start with what is allowed.
internal sealed class ExportReaderOptionsValidator : IValidateOptions<ExportReaderOptions>
{
    public const string Section = "Export";

    public ValidateOptionsResult Validate(string? name, ExportReaderOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{Section}:{p}"));
    }
}

// The check of a JSON or chat.html upload, run beside its copy to disk: the receiver hands it each buffer it writes
// to the file, through a bounded pipe, so the upload is read from the network once and its check is nearly done when
// the last byte arrives. The pipe holds at most PauseBytes: a check slower than the network slows the upload down
// rather than piling it up in memory.
internal sealed class ArrivingCheck : IAsyncDisposable
{
    private const long PauseBytes = 4 * 1024 * 1024;

    private readonly Pipe _pipe = new(new PipeOptions(pauseWriterThreshold: PauseBytes, resumeWriterThreshold: PauseBytes / 2, useSynchronizationContext: false));
    private readonly Task<ExportCheck> _scan;
    private readonly CancellationTokenSource _refused;
    private bool _scanEnded;
    private bool _writerCompleted;

    // Task.Run is not given the token: a scan that never started would leave the writer waiting on a full pipe.
    public ArrivingCheck(UploadValidator validator, string fileName, UploadProgress? progress, CancellationToken cancellationToken)
    {
        _refused = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _scan = Task.Run(async () =>
        {
            try
            {
                // Disposing the stream completes the pipe's reader: the writer then learns the check has ended.
                await using var arriving = _pipe.Reader.AsStream();
                return await validator.ScanAsync(progress is null ? arriving : new CountingStream(arriving, leaveOpen: true, onRead: progress.Checked), fileName, cancellationToken);
            }
            catch (RequestRejectedException)
            {
                await _refused.CancelAsync();
                throw;
            }
        }, CancellationToken.None);
    }

    // The request's token, also cancelled when the check refuses the export: a wait for more of the upload ends then
    // too, rather than when the sender next sends something. Cancelled by a refusal, CompleteAsync throws it.
    public CancellationToken Token => _refused.Token;

    // Hands the check the next bytes of the file; returns when the pipe has room for more.
    // Throws RequestRejectedException 422 The check has refused the export, so the rest need not be read.
    public async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        if (_scanEnded) return;
        var flushed = await _pipe.Writer.WriteAsync(bytes, cancellationToken);
        if (flushed.IsCompleted)
        {
            // Ended before the file did: refused (this throws), or done, as the reader ignores data after the JSON's end.
            _scanEnded = true;
            await _scan;
        }
    }

    // After the file's last byte: what the check found.
    public async Task<ExportCheck> CompleteAsync()
    {
        await CompleteWriterAsync(null);
        return await _scan;
    }

    // An upload that fails (cut off, too large, cancelled) stops its check and waits for it to let go of the pipe;
    // what the check would have said adds nothing to the upload's own failure.
    public async ValueTask DisposeAsync()
    {
        await CompleteWriterAsync(new OperationCanceledException("The upload ended before its check did."));
        await ((Task)_scan).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _refused.Dispose();
    }

    private async ValueTask CompleteWriterAsync(Exception? failure)
    {
        if (_writerCompleted) return;
        _writerCompleted = true;
        await _pipe.Writer.CompleteAsync(failure);
    }
}
