using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

// Jobs of the caller's session. Another session's job answers 404, as if it did not exist.
[ApiController]
[Route("api/jobs")]
public sealed class JobsController(JobService jobs, UploadReceiver uploads, ResultsQuery results, ConversationStore conversations, Corrections corrections) : ControllerBase
{
    public const string KeyTokenHeader = "X-Key-Token";

    // Uploads an export (multipart: file, mode = topic|month|year|discover, optional categorySetId
    // and model; optional X-Key-Token header from POST /api/keys) and starts a job. An upload-id field
    // before the file (16 to 64 of A-Z a-z 0-9 - _) lets GET /api/uploads/{upload-id}/progress follow it meanwhile.
    [HttpPost]
    [RateLimit(RateLimits.Uploads)]
    [DisableRequestSizeLimit] // UploadReceiver enforces Jobs:MaxUploadBytes while streaming
    [StreamedUpload]
    [ProducesResponseType<JobProgress>(StatusCodes.Status202Accepted)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status401Unauthorized)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
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

    // The session's jobs, newest first.
    [HttpGet]
    public async Task<IReadOnlyList<JobProgress>> List(CancellationToken cancellationToken) =>
        await jobs.ListAsync(HttpContext.SessionId(), cancellationToken);

    // Progress: phase, counts, percent of the phase, requests, retries, tokens, elapsed and estimated time left.
    [HttpGet("{id}")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<JobProgress>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string id, CancellationToken cancellationToken) =>
        await jobs.GetProgressAsync(HttpContext.SessionId(), id, cancellationToken) is { } progress ? Ok(progress) : JobNotFound();

    // Log entries after the cursor after (0 for the start), and the cursor to pass next time.
    [HttpGet("{id}/log")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<JobLogPage>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Log(string id, [FromQuery] long after = 0, [FromQuery] int limit = 200, CancellationToken cancellationToken = default) =>
        await jobs.GetLogAsync(HttpContext.SessionId(), id, after, limit, cancellationToken) is { } page ? Ok(page) : JobNotFound();

    // Conversations grouped by topic, month or year, with counts; failed ones listed apart with their reasons.
    [HttpGet("{id}/results")]
    [ProducesResponseType<JobResults>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Results(string id, [FromQuery] GroupBy groupBy = GroupBy.Topic, CancellationToken cancellationToken = default) =>
        await results.GetAsync(HttpContext.SessionId(), id, groupBy, cancellationToken) is { } grouped ? Ok(grouped) : JobNotFound();

    // One conversation: its summary and result, the active path as messages with their alternative branches, custom instructions.
    [HttpGet("{id}/conversations/{index:int}")]
    [ProducesResponseType<ConversationDetail>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Conversation(string id, int index, CancellationToken cancellationToken) =>
        await conversations.GetAsync(HttpContext.SessionId(), id, index, cancellationToken) is { } detail
            ? Ok(detail)
            : Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such conversation in this job.");

    // Files one conversation under another category of the job's set (a new one where the set allows it); null takes the person's choice back.
    [HttpPatch("{id}/conversations/{index:int}")]
    [ProducesResponseType<CorrectionMade>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Correct(string id, int index, ConversationCorrection body, CancellationToken cancellationToken)
    {
        var outcome = await corrections.ApplyAsync(HttpContext.SessionId(), id, [new CorrectionRequest(index, body.Category)], cancellationToken);
        return outcome.Result == CorrectionResult.UnknownConversation
            ? Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such conversation in this job.")
            : await CorrectedAsync(id, outcome, [index], cancellationToken);
    }

    // Files several conversations at once ([{"index": 3, "category": "Travel"}]), as one action an undo takes back whole.
    [HttpPost("{id}/corrections")]
    [ProducesResponseType<CorrectionMade>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> CorrectMany(string id, IReadOnlyList<IndexedCorrection> body, CancellationToken cancellationToken)
    {
        if (body.Any(c => c is null)) return Problem(statusCode: StatusCodes.Status400BadRequest, title: "Each correction is an object with an index and a category.");
        var outcome = await corrections.ApplyAsync(HttpContext.SessionId(), id, [.. body.Select(c => new CorrectionRequest(c.Index, c.Category))], cancellationToken);
        return await CorrectedAsync(id, outcome, [.. body.Select(c => c.Index)], cancellationToken);
    }

    // Takes back one action (its batch from the answer that made it).
    [HttpDelete("{id}/corrections/{batch}")]
    [ProducesResponseType<CorrectionUndone>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Undo(string id, string batch, CancellationToken cancellationToken) =>
        await corrections.UndoAsync(HttpContext.SessionId(), id, batch, cancellationToken) is { } undone ? Ok(new CorrectionUndone(undone)) : JobNotFound();

    private async Task<IActionResult> CorrectedAsync(string id, CorrectionOutcome outcome, IReadOnlyList<int> indexes, CancellationToken cancellationToken)
    {
        switch (outcome.Result)
        {
            case CorrectionResult.NoJob:
                return JobNotFound();
            case CorrectionResult.Invalid or CorrectionResult.UnknownConversation:
                return Problem(statusCode: StatusCodes.Status400BadRequest, title: outcome.Problem);
        }
        var wanted = indexes.ToHashSet();
        var all = await results.GetAsync(HttpContext.SessionId(), id, GroupBy.Topic, cancellationToken);
        var now = all is null ? [] : all.Groups.SelectMany(g => g.Conversations).Concat(all.Failed).Where(c => wanted.Contains(c.Index)).OrderBy(c => c.Index).ToList();
        return Ok(new CorrectionMade(outcome.Batch!, outcome.Moved, now));
    }

    // Stops a queued or running job; what was categorized so far is kept.
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

    // Deletes the job with its upload, conversations, results and log, at once.
    [HttpDelete("{id}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        await jobs.DeleteAsync(HttpContext.SessionId(), id, cancellationToken) ? NoContent() : JobNotFound();

    private ObjectResult JobNotFound() =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such job in this session. It may have been deleted or expired.");
}

public sealed record ConversationCorrection(string? Category);

public sealed record IndexedCorrection(int Index, string? Category);

// Batch: Pass to DELETE /api/jobs/{id}/corrections/{batch} to undo this action.
// Moved: Conversations whose category changed.
// Conversations: The conversations named, as they are now.
public sealed record CorrectionMade(string Batch, int Moved, IReadOnlyList<ResultConversation> Conversations);

public sealed record CorrectionUndone(int Undone);
