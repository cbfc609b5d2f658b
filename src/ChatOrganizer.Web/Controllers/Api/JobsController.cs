using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

/// <summary>Jobs of the caller's session. Another session's job answers 404, as if it did not exist.</summary>
[ApiController]
[Route("api/jobs")]
public sealed class JobsController(JobService jobs, UploadReceiver uploads, ResultsQuery results, ConversationStore conversations, Corrections corrections) : ControllerBase
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

    /// <summary>Files one conversation under another category of the job's set (a new one where the set allows it); <c>null</c> takes the person's choice back.</summary>
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

    /// <summary>Files several conversations at once (<c>[{"index": 3, "category": "Travel"}]</c>), as one action an undo takes back whole.</summary>
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

    /// <summary>Takes back one action (its <c>batch</c> from the answer that made it).</summary>
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

public sealed record ConversationCorrection(string? Category);

public sealed record IndexedCorrection(int Index, string? Category);

/// <param name="Batch">Pass to <c>DELETE /api/jobs/{id}/corrections/{batch}</c> to undo this action.</param>
/// <param name="Moved">Conversations whose category changed.</param>
/// <param name="Conversations">The conversations named, as they are now.</param>
public sealed record CorrectionMade(string Batch, int Moved, IReadOnlyList<ResultConversation> Conversations);

public sealed record CorrectionUndone(int Undone);
