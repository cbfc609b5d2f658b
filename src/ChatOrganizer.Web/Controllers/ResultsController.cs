using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// A job's results by topic, month or year, and the conversation viewer. Another session's job is not found.
[AutoValidateAntiforgeryToken]
public sealed class ResultsController(JobService jobs, ResultsQuery results, ConversationStore conversations) : Controller
{
    public const int MaxQueryLength = 200;

    // view: topic, month or year; the job's own grouping when absent or unknown.
    // q: Only conversations whose title holds this (the filter box): filtered on the server, over the whole job.
    // group: The group to turn to page; every other shows its first ResultsPage.RowsPerGroup.
    [HttpGet("/jobs/{id}/results")]
    // only: new: only the conversations no earlier job of the session had as they are (re-imports).
    public async Task<IActionResult> Index(string id, string? view, string? q, string? group, int? page, string? only, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        if (job is null) return NotFound();

        var query = Query(q);
        var groupBy = View(view, job.Mode);
        var newOnly = only == "new";
        var grouped = await results.GetAsync(session, id, groupBy, query, cancellationToken, newOnly);
        var months = groupBy == GroupBy.Month && query is null && !newOnly ? grouped : await results.GetAsync(session, id, GroupBy.Month, cancellationToken);
        if (grouped is null || months is null) return NotFound();

        return View(new ResultsPage(job, grouped, query, MonthlyChart.From(months.Groups), group, page ?? 1, newOnly));
    }

    // A topic job's categories month by month, as shares of each month.
    [HttpGet("/jobs/{id}/results/topics-by-month")]
    public async Task<IActionResult> TopicsByMonth(string id, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        if (job is null) return NotFound();
        if (job.Mode != Storage.JobMode.Topic) return Redirect($"/jobs/{id}/results");

        var months = await results.GetAsync(session, id, GroupBy.Month, cancellationToken);
        if (months is null) return NotFound();
        return View(new TopicsByMonthPage(job, MonthlyChart.From(months.Groups)));
    }

    // leaf: A message of another branch to show instead of the active one: the path through it, continued down its latest replies.
    // view: The results view the person came from (and q its filter): previous and next follow its order.
    [HttpGet("/jobs/{id}/conversations/{index:int}")]
    public async Task<IActionResult> Conversation(string id, int index, string? leaf, string? view, string? q, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        var stored = job is null ? null : await conversations.GetTranscriptAsync(session, id, index, cancellationToken);
        if (stored is not var (summary, transcript)) return NotFound();

        var groupBy = View(view, job!.Mode);
        var query = Query(q);
        var group = await results.GroupOfAsync(id, groupBy, query, summary, cancellationToken);
        var neighbours = group is var (label, listed) ? ConversationNeighbours.Find(label, listed, index, ResultsPage.Key(groupBy), query) : null;

        var page = ConversationPage.From(id, job.FileName, summary, transcript, leaf, neighbours);
        return page is null ? NotFound() : View(page);
    }

    // One answer's reasoning, which the viewer leaves out of its page (a long conversation has dozens) and fetches when opened.
    // node: The reasoning's first message, as the viewer's turn names it.
    // leaf: The branch the viewer showed, when not the active one.
    [HttpGet("/jobs/{id}/conversations/{index:int}/reasoning")]
    public async Task<IActionResult> Reasoning(string id, int index, string? node, string? leaf, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        var stored = job is null || node is null ? null : await conversations.GetTranscriptAsync(session, id, index, cancellationToken);
        if (stored is not var (summary, transcript)) return NotFound();

        var page = ConversationPage.From(id, job!.FileName, summary, transcript, leaf);
        var turn = page?.Turns.FirstOrDefault(t => t.NodeId == node && t.Reasoning is not null);
        return turn is null ? NotFound() : View(new ReasoningPage(page!, turn));
    }

    private static string? Query(string? q) => string.IsNullOrWhiteSpace(q) ? null : q.Trim()[..Math.Min(q.Trim().Length, MaxQueryLength)];

    private static GroupBy View(string? view, Storage.JobMode mode) =>
        Enum.TryParse<GroupBy>(view, ignoreCase: true, out var chosen) && (chosen != GroupBy.Topic || mode is Storage.JobMode.Topic or Storage.JobMode.Discover)
            ? chosen
            : ResultsPage.DefaultView(mode);
}
