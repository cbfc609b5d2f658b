using System.Buffers;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatOrganizer.Web.Jobs;

// Streams a multipart upload to a file in the data folder, enforcing the size limit as bytes arrive:
// nothing is buffered whole, in memory or by the form reader. A JSON (or chat.html) is checked on the way, from the
// same bytes (UploadValidator). With an upload-id field before the file, the session can follow how far it got.
public sealed class UploadReceiver(DataFolder folder, IOptions<JobOptions> options, UploadValidator validator, UploadProgressRegistry registry)
{
    private const int MaxFieldLength = 1024;

    // What an export arrives as: the ZIP, or a file from inside it. Anything else is refused before a byte is stored.
    public static readonly string[] AcceptedExtensions = [".zip", ".json", ".html", ".htm"];

    // The form has a handful of fields; more means something other than our form (or the API's), and each is kept in memory.
    private const int MaxFields = 32;

    public Task<ReceivedUpload> ReceiveAsync(HttpRequest request, CancellationToken cancellationToken) =>
        ReceiveAsync(request, beforeFile: null, cancellationToken);

    // beforeFile:
    // Runs with the fields that came before the file, before a byte of the file is stored; it throws to refuse
    // the upload. The upload form checks its antiforgery token here (the token field comes first in the form).
    public async Task<ReceivedUpload> ReceiveAsync(
        HttpRequest request, Func<IReadOnlyDictionary<string, string>, Task>? beforeFile, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) ||
            !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase) ||
            HeaderUtilities.RemoveQuotes(contentType.Boundary).Value is not { Length: > 0 } boundary)
        {
            throw new RequestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                "Send the export as a form upload (multipart/form-data) with the file in a field named \"file\".");
        }
        if (request.ContentLength > limit + MaxFieldLength * 16)
        {
            throw TooLarge(limit);
        }

        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        string? path = null;
        string? fileName = null;
        long bytes = 0;
        ExportCheck? check = null;
        UploadProgress? progress = null;
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) ||
                    !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw new RequestRejectedException(StatusCodes.Status400BadRequest, "A part of the form has no field name.");
                }
                var name = HeaderUtilities.RemoveQuotes(disposition.Name).Value ?? "";
                if (disposition.IsFileDisposition())
                {
                    if (!name.Equals("file", StringComparison.OrdinalIgnoreCase))
                        throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"Unexpected file field \"{Shorten(name)}\": send the export in the field named \"file\".");
                    if (path is not null)
                        throw new RequestRejectedException(StatusCodes.Status400BadRequest, "Send one export per job.");

                    if (beforeFile is not null) await beforeFile(fields);
                    fileName = SafeFileName(HeaderUtilities.RemoveQuotes(disposition.FileNameStar).Value ?? HeaderUtilities.RemoveQuotes(disposition.FileName).Value);
                    if (!AcceptedExtensions.Contains(Path.GetExtension(fileName), StringComparer.OrdinalIgnoreCase))
                        throw new RequestRejectedException(StatusCodes.Status415UnsupportedMediaType,
                            $"\"{fileName}\" is not an export: upload the .zip ChatGPT sent you, or the conversations.json (or chat.html) inside it.");
                    progress = Track(request.HttpContext, fields);
                    path = folder.IncomingPath();
                    await using (var arriving = UploadValidator.ChecksAsItArrives(fileName) ? new ArrivingCheck(validator, fileName, progress, cancellationToken) : null)
                    {
                        bytes = await CopyLimitedAsync(section.Body, path, limit, arriving, progress, cancellationToken);
                        progress?.AllReceived();
                        // An empty file is refused below for being empty, not for what a check makes of nothing.
                        if (arriving is not null && bytes > 0) check = await arriving.CompleteAsync();
                    }
                }
                else
                {
                    if (fields.Count >= MaxFields)
                        throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"The form has more than {MaxFields} fields.");
                    fields[name] = await ReadFieldAsync(section, name, cancellationToken);
                }
            }
        }
        catch (Exception e) when (e is RequestRejectedException or IOException or OperationCanceledException)
        {
            Delete(path);
            if (e is IOException && !cancellationToken.IsCancellationRequested)
                throw new RequestRejectedException(StatusCodes.Status400BadRequest, "The upload was cut off or is not a well-formed form. Please try again.");
            throw;
        }

        if (path is null)
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "The form has no file: send the export in a field named \"file\".");
        if (bytes == 0)
        {
            Delete(path);
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, "The uploaded file is empty.");
        }
        return new ReceivedUpload(path, fileName ?? "upload", bytes, fields) { Check = check, Progress = progress };
    }

    // The upload's entry in the registry, for as long as the request lasts; none without an upload-id field.
    private UploadProgress? Track(HttpContext context, Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue(UploadProgressRegistry.Field, out var id) || id.Length == 0) return null;
        var progress = registry.Start(context.SessionId(), id);
        context.Response.RegisterForDispose(progress);
        return progress;
    }

    // Each buffer goes to the file and to the check (when it reads as the bytes arrive), from one read of the network.
    private static async Task<long> CopyLimitedAsync(
        Stream body, string path, long limit, ArrivingCheck? check, UploadProgress? progress, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        var token = check?.Token ?? cancellationToken;
        try
        {
            await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
            long total = 0;
            int read;
            while ((read = await body.ReadAsync(buffer, token)) > 0)
            {
                total += read;
                if (total > limit) throw TooLarge(limit);
                var bytes = buffer.AsMemory(0, read);
                if (check is not null) await check.WriteAsync(bytes, token);
                await file.WriteAsync(bytes, token);
                progress?.Received(read);
            }
            return total;
        }
        catch (OperationCanceledException) when (check is not null && !cancellationToken.IsCancellationRequested)
        {
            // Not the request but the check's refusal stopped the copy: this throws the refusal.
            await check.CompleteAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task<string> ReadFieldAsync(MultipartSection section, string name, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(section.Body, leaveOpen: true);
        var buffer = new char[MaxFieldLength + 1];
        var length = await reader.ReadBlockAsync(buffer, cancellationToken);
        if (length > MaxFieldLength)
            throw new RequestRejectedException(StatusCodes.Status400BadRequest, $"The field \"{Shorten(name)}\" is longer than {MaxFieldLength} characters.");
        return new string(buffer, 0, length).Trim();
    }

    private static RequestRejectedException TooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, $"The upload is larger than the {Sizes.Format(limit)} this server accepts.");

    private static string SafeFileName(string? name)
    {
        var file = Path.GetFileName((name ?? "").Replace('\\', '/'));
        file = new string([.. file.Where(c => !char.IsControl(c))]).Trim();
        return file.Length == 0 ? "upload" : Shorten(file, ChatOrganizerDb.Lengths.FileName);
    }

    private static string Shorten(string text, int max = 60) => text.Length <= max ? text : text[..max];

    private static void Delete(string? path)
    {
        if (path is not null) File.Delete(path);
    }
}

// An upload spooled to disk. Disposing deletes the file unless a job has taken it.
public sealed class ReceivedUpload(string path, string fileName, long bytes, IReadOnlyDictionary<string, string> fields) : IDisposable
{
    public string Path { get; private set; } = path;
    public string FileName { get; } = fileName;
    public long Bytes { get; } = bytes;
    public IReadOnlyDictionary<string, string> Fields { get; } = fields;

    // What the check found while the file arrived; null when it is yet to run (a ZIP, checked once on disk).
    public ExportCheck? Check { get; init; }

    // The upload's progress for its page to poll; null when the form named no upload-id.
    public UploadProgress? Progress { get; init; }

    public string? Field(string name) => Fields.TryGetValue(name, out var value) && value.Length > 0 ? value : null;

    // Moves the file to where its job reads it.
    public void MoveTo(string destination)
    {
        File.Move(Path, destination);
        Path = destination;
        _taken = true;
    }

    private bool _taken;

    public void Dispose()
    {
        if (!_taken) File.Delete(Path);
    }
}
