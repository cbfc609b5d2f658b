using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

/// <summary>Jobs of the caller's session. Another session's job answers 404, as if it did not exist.</summary>
[ApiController]
[Route("api/jobs")]
public sealed class JobsController(JobService jobs, UploadReceiver uploads, ResultsQuery results, ConversationStore conversations) : ControllerBase
{
    public const string KeyTokenHeader = "X-Key-Token";

    /// <summary>
    /// Uploads an export (multipart: <c>file</c>, <c>mode</c> = topic|month|year|discover, optional <c>categorySetId</c>
    /// and <c>model</c>; optional <c>X-Key-Token</c> header from <c>POST /api/keys</c>) and starts a job.
    /// </summary>
    [HttpPost]
    [RateLimit(RateLimits.Uploads)]
    [DisableRequestSizeLimit] // UploadReceiver enforces Jobs:MaxUploadBytes while streaming
    [StreamedUpload]
    [ProducesResponseType<JobProgress>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType)]
    public async Task<IActionResult> Create(CancellationToken cancellationToken)
    {
        try
        {
            using var upload = await uploads.ReceiveAsync(Request, cancellationToken);
            var request = JobRequest.FromFields(upload.Field);
            var job = await jobs.CreateAsync(HttpContext.SessionId(), upload, request, Request.Headers[KeyTokenHeader], cancellationToken);
            return AcceptedAtAction(nameof(Get), new { id = job.Id }, job);
        }
        catch (RequestRejectedException e)
        {
            return Problem(statusCode: e.StatusCode, title: e.Message);
        }
        catch (KeyTokenExpiredException e)
        {
            return Problem(statusCode: StatusCodes.Status401Unauthorized, title: e.Message);
        }
    }

    /// <summary>The session's jobs, newest first.</summary>
    [HttpGet]
    public async Task<IReadOnlyList<JobProgress>> List(CancellationToken cancellationToken) =>
        await jobs.ListAsync(HttpContext.SessionId(), cancellationToken);

    /// <summary>Progress: phase, counts, percent of the phase, requests, retries, tokens, elapsed and estimated time left.</summary>
    [HttpGet("{id}")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<JobProgress>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string id, CancellationToken cancellationToken) =>
        await jobs.GetProgressAsync(HttpContext.SessionId(), id, cancellationToken) is { } progress ? Ok(progress) : JobNotFound();

    /// <summary>Log entries after the cursor <c>after</c> (0 for the start), and the cursor to pass next time.</summary>
    [HttpGet("{id}/log")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<JobLogPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Log(string id, [FromQuery] long after = 0, [FromQuery] int limit = 200, CancellationToken cancellationToken = default) =>
        await jobs.GetLogAsync(HttpContext.SessionId(), id, after, limit, cancellationToken) is { } page ? Ok(page) : JobNotFound();

    /// <summary>Conversations grouped by topic, month or year, with counts; failed ones listed apart with their reasons.</summary>
    [HttpGet("{id}/results")]
    [ProducesResponseType<JobResults>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Results(string id, [FromQuery] GroupBy groupBy = GroupBy.Topic, CancellationToken cancellationToken = default) =>
        await results.GetAsync(HttpContext.SessionId(), id, groupBy, cancellationToken) is { } grouped ? Ok(grouped) : JobNotFound();

    /// <summary>One conversation: its summary and result, the active path as messages with their alternative branches, custom instructions.</summary>
    [HttpGet("{id}/conversations/{index:int}")]
    [ProducesResponseType<ConversationDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Conversation(string id, int index, CancellationToken cancellationToken) =>
        await conversations.GetAsync(HttpContext.SessionId(), id, index, cancellationToken) is { } detail
            ? Ok(detail)
            : Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such conversation in this job.");

    /// <summary>Stops a queued or running job; what was categorized so far is kept.</summary>
    [HttpPost("{id}/cancel")]
    [ProducesResponseType<JobProgress>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Cancel(string id, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        return await jobs.CancelAsync(session, id, cancellationToken) switch
        {
            CancelOutcome.NotFound => JobNotFound(),
            CancelOutcome.AlreadyEnded => Problem(statusCode: StatusCodes.Status409Conflict, title: "The job has already ended, so there is nothing to cancel."),
            _ => Ok(await jobs.GetProgressAsync(session, id, cancellationToken)),
        };
    }

    /// <summary>Deletes the job with its upload, conversations, results and log, at once.</summary>
    [HttpDelete("{id}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        await jobs.DeleteAsync(HttpContext.SessionId(), id, cancellationToken) ? NoContent() : JobNotFound();

    private ObjectResult JobNotFound() =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such job in this session. It may have been deleted or expired.");
}
