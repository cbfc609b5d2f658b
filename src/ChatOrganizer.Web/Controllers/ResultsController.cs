using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

/// <summary>A job's results by topic, month or year, and the conversation viewer. Another session's job is not found.</summary>
[AutoValidateAntiforgeryToken]
public sealed class ResultsController(JobService jobs, ResultsQuery results, ConversationStore conversations) : Controller
{
    public const int MaxQueryLength = 200;

    /// <param name="view">topic, month or year; the job's own grouping when absent or unknown.</param>
    /// <param name="q">Only conversations whose title holds this (the filter box, when the page has no script or groups are cut).</param>
    /// <param name="group">The group to list whole rather than its first <see cref="ResultsPage.RowsPerGroup"/>.</param>
    [HttpGet("/jobs/{id}/results")]
    /// <param name="only"><c>new</c>: only the conversations no earlier job of the session had as they are (re-imports).</param>
    public async Task<IActionResult> Index(string id, string? view, string? q, string? group, string? only, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        if (job is null) return NotFound();

        var query = string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, MaxQueryLength)];
        var groupBy = Enum.TryParse<GroupBy>(view, ignoreCase: true, out var chosen) && (chosen != GroupBy.Topic || job.Mode == Storage.JobMode.Topic)
            ? chosen
            : ResultsPage.DefaultView(job.Mode);
        var newOnly = only == "new";
        var grouped = await results.GetAsync(session, id, groupBy, query, cancellationToken, newOnly);
        var months = groupBy == GroupBy.Month && query is null && !newOnly ? grouped : await results.GetAsync(session, id, GroupBy.Month, cancellationToken);
        if (grouped is null || months is null) return NotFound();

        return View(new ResultsPage(job, grouped, query, MonthlyChart.From(months.Groups), group, newOnly));
    }

    /// <param name="leaf">A message of another branch to show instead of the active one: the path through it, continued down its latest replies.</param>
    [HttpGet("/jobs/{id}/conversations/{index:int}")]
    public async Task<IActionResult> Conversation(string id, int index, string? leaf, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        var stored = job is null ? null : await conversations.GetTranscriptAsync(session, id, index, cancellationToken);
        if (stored is not var (summary, transcript)) return NotFound();

        var page = ConversationPage.From(id, job!.FileName, summary, transcript, leaf);
        return page is null ? NotFound() : View(page);
    }
}
