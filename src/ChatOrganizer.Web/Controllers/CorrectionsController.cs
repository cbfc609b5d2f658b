using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// The corrections form of the results page and the viewer, without script: it posts, and the browser lands back where it
// was, with an undo. Another session's job is not found.
[AutoValidateAntiforgeryToken]
public sealed class CorrectionsController(Corrections corrections) : Controller
{
    // index: The conversations ticked (results page) or the one shown (viewer).
    // category: A category of the set; empty with newCategory where the set allows new ones.
    // clear: Take the person's choice back: the engine's category stands again.
    // returnTo: The page the form was on (a path of this job), to land back on.
    [HttpPost("/jobs/{id}/corrections")]
    public async Task<IActionResult> Correct(
        string id, [FromForm] int[] index, [FromForm] string? category, [FromForm] string? newCategory, [FromForm] bool clear,
        [FromForm] string? returnTo, CancellationToken cancellationToken)
    {
        var chosen = clear ? null : string.IsNullOrWhiteSpace(newCategory) ? NotBlank(category) : newCategory.Trim();
        if (!clear && chosen is null) return Problem(id, "Choose the category to move them to.", returnTo);

        var outcome = await corrections.ApplyAsync(HttpContext.SessionId(), id, [.. index.Distinct().Select(i => new CorrectionRequest(i, chosen))], cancellationToken);
        return outcome.Result switch
        {
            CorrectionResult.NoJob => NotFound(),
            CorrectionResult.Done => Redirect(With(Back(id, returnTo), "corrected", outcome.Batch!)),
            _ => Problem(id, outcome.Problem!, returnTo),
        };
    }

    [HttpPost("/jobs/{id}/corrections/undo")]
    public async Task<IActionResult> Undo(string id, [FromForm] string? batch, [FromForm] string? returnTo, CancellationToken cancellationToken) =>
        await corrections.UndoAsync(HttpContext.SessionId(), id, batch ?? "", cancellationToken) is { } undone
            ? Redirect(With(Back(id, returnTo), "undone", undone.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : NotFound();

    private ViewResult Problem(string id, string problem, string? returnTo)
    {
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View("Problem", new CorrectionProblem(problem, Back(id, returnTo)));
    }

    // Only a page of this job: a form cannot send the browser anywhere else.
    internal static string Back(string jobId, string? returnTo)
    {
        var home = $"/jobs/{jobId}/results";
        if (string.IsNullOrEmpty(returnTo) || !returnTo.StartsWith($"/jobs/{jobId}/", StringComparison.Ordinal) || returnTo.Contains("//", StringComparison.Ordinal)
            || returnTo.Contains('\\', StringComparison.Ordinal))
        {
            return home;
        }
        return returnTo;
    }

    private static string With(string path, string name, string value)
    {
        var (target, fragment) = path.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? (path[..hash], path[hash..]) : (path, "");
        return $"{target}{(target.Contains('?', StringComparison.Ordinal) ? '&' : '?')}{name}={Uri.EscapeDataString(value)}{fragment}";
    }

    private static string? NotBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
