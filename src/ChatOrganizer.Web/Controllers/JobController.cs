using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Controllers;

// A session's jobs: the list, one job's live page, cancel and delete. Another session's job is not found.
[AutoValidateAntiforgeryToken]
public sealed class JobController(JobService jobs, JobEstimator estimator, ResultsQuery results) : Controller
{
    [HttpGet("/jobs")]
    public async Task<IActionResult> List(bool deleted, CancellationToken cancellationToken) =>
        View(new JobListPage(await jobs.ListAsync(HttpContext.SessionId(), cancellationToken), deleted));

    [HttpGet("/jobs/{id}")]
    public async Task<IActionResult> Show(string id, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var job = await jobs.GetProgressAsync(session, id, cancellationToken);
        if (job is null) return NotFound();

        var log = await jobs.GetLogAsync(session, id, after: 0, JobService.MaxLogPage, cancellationToken);
        var failed = job.Failed > 0
            ? await results.ListConversations(id, failedOnly: true).Take(JobPage.FailedShown).ToListAsync(cancellationToken)
            : [];
        var estimate = job.Status == JobStatus.AwaitingStart ? await estimator.EstimateAsync(session, id, cancellationToken) : null;
        return View(new JobPage(job, log!, failed, estimate));
    }

    // Starts categorizing a job that waits with its estimate.
    [HttpPost("/jobs/{id}/start")]
    public async Task<IActionResult> Start(string id, CancellationToken cancellationToken) =>
        await jobs.StartAsync(HttpContext.SessionId(), id, cancellationToken)
            ? RedirectToAction(nameof(Show), new { id })
            : NotFound();

    [HttpPost("/jobs/{id}/cancel")]
    public async Task<IActionResult> Cancel(string id, CancellationToken cancellationToken) =>
        await jobs.CancelAsync(HttpContext.SessionId(), id, cancellationToken) == CancelOutcome.NotFound
            ? NotFound()
            : RedirectToAction(nameof(Show), new { id });

    [HttpPost("/jobs/{id}/delete")]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        await jobs.DeleteAsync(HttpContext.SessionId(), id, cancellationToken)
            ? RedirectToAction(nameof(List), new { deleted = true })
            : NotFound();
}
