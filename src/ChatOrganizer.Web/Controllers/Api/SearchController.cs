using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

// Full-text search over the conversations of the caller's session's jobs; another session's are never looked at.
[ApiController]
[Route("api/search")]
public sealed class SearchController(SearchQuery search, ChatOrganizerDb db) : ControllerBase
{
    // Conversations whose title or a message holds every word of q (anywhere in a word, ignoring case; Chinese,
    // Japanese and Korean too), newest job first, one hit per conversation with a snippet and a link to the viewer at
    // the message. Filters: category, month (yyyy-MM, when it started), job (its id), model.
    [HttpGet]
    [ProducesResponseType<SearchResults>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Get(
        string? q, string? category, string? month, string? job, string? model, int? limit, CancellationToken cancellationToken)
    {
        try
        {
            var request = SearchRequest.From(q, category, month, job, model, limit);
            return Ok(await search.FindAsync(HttpContext.SessionId(), request, cancellationToken));
        }
        catch (RequestRejectedException e)
        {
            return Problem(statusCode: e.StatusCode, title: e.Message);
        }
    }

    // How many of the caller's messages the full-text index does not reach yet (SQLite, which fills it behind the read
    // step): found all the same by a slower scan until it does (always 0 on PostgreSQL); and how many of the caller's
    // conversations are not searchable yet at all (a job preparing, JobPreparation).
    [HttpGet("status")]
    [RateLimit(RateLimits.Polling)]
    [ProducesResponseType<SearchStatus>(StatusCodes.Status200OK)]
    public async Task<SearchStatus> Status(CancellationToken cancellationToken)
    {
        await db.Database.OpenConnectionAsync(cancellationToken);
        var state = await SearchIndexer.StateAsync(db, HttpContext.SessionId(), cancellationToken);
        return new SearchStatus(state?.Pending ?? 0, await JobPreparation.PreparingAsync(db, HttpContext.SessionId(), cancellationToken));
    }
}
