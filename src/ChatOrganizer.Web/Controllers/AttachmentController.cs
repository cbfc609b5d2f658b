using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Net.Http.Headers;

namespace ChatOrganizer.Web.Controllers;

// A file kept from a job's export ZIP. Raster images are shown inline; everything else (SVG and HTML included, which
// could run script) is only ever a download, sent as bytes. Another session's job, or a number it does not hold, is not found.
public sealed class AttachmentController(AttachmentStore attachments) : Controller
{
    [HttpGet("/jobs/{id}/files/{number:int}")]
    [RateLimit(RateLimits.Files)]
    public async Task<IActionResult> File(string id, int number, CancellationToken cancellationToken)
    {
        if (await attachments.FindAsync(HttpContext.SessionId(), id, number, cancellationToken) is not var (attachment, path)) return NotFound();

        var inline = AttachmentStore.InlineImageTypes.Contains(attachment.ContentType);
        var name = AttachmentStore.DisplayName(attachment.ExportPath);
        Response.Headers.XContentTypeOptions = "nosniff";
        // Even if a browser were talked into rendering it, the file gets no script, no origin and no requests.
        Response.Headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        Response.Headers.CacheControl = "private, max-age=3600";
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue(inline ? "inline" : "attachment") { FileName = Ascii(name), FileNameStar = name }.ToString();
        return PhysicalFile(path, inline ? attachment.ContentType : DownloadType(attachment.ContentType));
    }

    // A file a browser could parse as a document (HTML, SVG, XML, script) is sent as bytes; the rest keep their type.
    private static string DownloadType(string contentType) =>
        contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) && contentType is not "text/plain" and not "text/csv"
        || contentType.Contains("html", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("xml", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("svg", StringComparison.OrdinalIgnoreCase)
        || contentType.Contains("javascript", StringComparison.OrdinalIgnoreCase)
            ? "application/octet-stream"
            : contentType;

    private static string Ascii(string name) => new([.. name.Select(c => c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_')]);
}
