using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// "Make these a category set" on a discover job's results: the topics become a set of the session's own, opened to edit.
[AutoValidateAntiforgeryToken]
public sealed class DiscoveredTopicsController(CategorySetService sets) : Controller
{
    [HttpPost("/jobs/{id}/category-set")]
    public async Task<IActionResult> MakeCategorySet(string id, CancellationToken cancellationToken)
    {
        var change = await sets.CreateFromDiscoveryAsync(HttpContext.SessionId(), id, cancellationToken);
        return change.Outcome switch
        {
            CategorySetOutcome.Done => RedirectToAction(nameof(CategorySetController.Edit), "CategorySet", new { id = change.Set!.Id }),
            CategorySetOutcome.Invalid => BadRequest(string.Join(" ", change.Problems)),
            _ => NotFound(),
        };
    }
}
