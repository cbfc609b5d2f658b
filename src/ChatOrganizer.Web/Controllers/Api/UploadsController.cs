using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

// Uploads of the caller's session still being received or checked, by the id their form sent in the upload-id
// field before the file. Another session's upload, or one that has ended, answers 404.
[ApiController]
[Route("api/uploads")]
public sealed class UploadsController(UploadProgressRegistry uploads) : ControllerBase
{
    // Phase (receiving, then checking), bytes received, bytes checked and, once all is in, the file's size.
    [HttpGet("{id}/progress")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<UploadProgressReport>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public IActionResult Progress(string id) =>
        uploads.Find(HttpContext.SessionId(), id) is { } report
            ? Ok(report)
            : Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such upload in progress in this session.");
}
