using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace ChatOrganizer.Web.Jobs;

// The uploads in progress, by session and the id the page chose, so the page can show the check's progress after
// the upload's (the browser knows only the bytes it sent). In memory only: an entry lives as long as its request.
public sealed partial class UploadProgressRegistry
{
    // The form field that names an upload; it must come before the file, as the receiver sees the file last.
    public const string Field = "upload-id";

    private readonly ConcurrentDictionary<(string Session, string Id), UploadProgress> _uploads = new();

    // Tracks an upload until the returned entry is disposed.
    // Throws RequestRejectedException The id is malformed (400) or names an upload of the session still running (409).
    public UploadProgress Start(string sessionId, string uploadId)
    {
        if (!IsId(uploadId))
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest,
                $"The field \"{Field}\" must be 16 to 64 letters, digits, '-' or '_'.");
        }
        var progress = new UploadProgress(this, (sessionId, uploadId));
        if (!_uploads.TryAdd(progress.Key, progress))
        {
            throw new RequestRejectedException(StatusCodes.Status409Conflict, "An upload with this id is already running in your session.");
        }
        return progress;
    }

    // The upload's progress, or null when the session has no such upload running.
    public UploadProgressReport? Find(string sessionId, string uploadId) =>
        IsId(uploadId) && _uploads.TryGetValue((sessionId, uploadId), out var progress) ? progress.Report() : null;

    internal void Remove(UploadProgress progress) => _uploads.TryRemove(new KeyValuePair<(string, string), UploadProgress>(progress.Key, progress));

    private static bool IsId(string id) => UploadId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9_-]{16,64}$")]
    private static partial Regex UploadId();
}

// One upload's counters, written by the request that receives and checks it, read by the progress endpoint.
public sealed class UploadProgress : IDisposable
{
    private readonly UploadProgressRegistry _registry;
    private long _received;
    private long _checked;
    private long _total = -1;

    internal UploadProgress(UploadProgressRegistry registry, (string Session, string Id) key)
    {
        _registry = registry;
        Key = key;
    }

    internal (string Session, string Id) Key { get; }

    public void Received(long bytes) => Interlocked.Add(ref _received, bytes);

    public void Checked(long bytes) => Interlocked.Add(ref _checked, bytes);

    // The whole file is in: what is left is the check.
    public void AllReceived() => Interlocked.Exchange(ref _total, Interlocked.Read(ref _received));

    public UploadProgressReport Report()
    {
        var total = Interlocked.Read(ref _total);
        var received = Interlocked.Read(ref _received);
        // A ZIP's check reads its directory and side files besides the entries: more than the file, at times.
        var scanned = Math.Min(Interlocked.Read(ref _checked), received);
        return total < 0
            ? new UploadProgressReport(UploadPhase.Receiving, received, scanned, null)
            : new UploadProgressReport(UploadPhase.Checking, received, scanned, total);
    }

    public void Dispose() => _registry.Remove(this);
}

public enum UploadPhase
{
    Receiving,
    Checking,
}

// Received: Bytes of the file the server has so far.
// Checked: Bytes of the file the check has scanned (for a ZIP, compressed bytes read); a JSON is checked as it arrives.
// Total: The file's size once it is all in (phase checking); null while receiving.
public sealed record UploadProgressReport(UploadPhase Phase, long Received, long Checked, long? Total);
