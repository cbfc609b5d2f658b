using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// The search page: every conversation of the session's jobs, by the words in them.
public sealed class SearchPageController(SearchQuery search, JobService jobs) : Controller
{
    [HttpGet("/search")]
    public async Task<IActionResult> Index(string? q, string? category, string? month, string? job, string? model, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var page = new SearchPage(q?.Trim() ?? "", category, month, job, model, await jobs.ListAsync(session, cancellationToken));
        if (string.IsNullOrWhiteSpace(q)) return View(page);
        try
        {
            return View(page with { Results = await search.FindAsync(session, SearchRequest.From(q, category, month, job, model), cancellationToken) });
        }
        catch (RequestRejectedException e)
        {
            Response.StatusCode = e.StatusCode;
            return View(page with { Error = e.Message });
        }
    }
}
