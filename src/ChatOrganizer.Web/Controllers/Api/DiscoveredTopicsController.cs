using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

// A discover job's topics as a new category set of the caller's session; another session's job answers 404.
[ApiController]
[Route("api/jobs/{id}/category-set")]
public sealed class DiscoveredTopicsApiController(CategorySetService sets) : ControllerBase
{
    [HttpPost]
    [ProducesResponseType<CategorySetView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Create(string id, CancellationToken cancellationToken)
    {
        var change = await sets.CreateFromDiscoveryAsync(HttpContext.SessionId(), id, cancellationToken);
        return change.Outcome switch
        {
            CategorySetOutcome.Done => Created($"/api/category-sets/{change.Set!.Id}", change.Set),
            CategorySetOutcome.Invalid => Problem(statusCode: StatusCodes.Status400BadRequest, title: string.Join(" ", change.Problems)),
            _ => Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no finished discover job with this id in your session."),
        };
    }
}
