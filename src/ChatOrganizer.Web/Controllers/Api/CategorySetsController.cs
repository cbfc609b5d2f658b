using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

// The session's category sets and the built-in default (readable and copyable, not changeable).
[ApiController]
[Route("api/category-sets")]
public sealed class CategorySetsController(CategorySetService sets) : ControllerBase
{
    [HttpGet]
    public async Task<IReadOnlyList<CategorySetView>> List(CancellationToken cancellationToken) =>
        await sets.ListAsync(HttpContext.SessionId(), cancellationToken);

    [HttpGet("{id}")]
    [ProducesResponseType<CategorySetView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    public async Task<IActionResult> Get(string id, CancellationToken cancellationToken) =>
        await sets.GetAsync(HttpContext.SessionId(), id, cancellationToken) is { } set ? Ok(set) : SetNotFound();

    [HttpPost]
    [ProducesResponseType<CategorySetView>(StatusCodes.Status201Created)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    public async Task<IActionResult> Create(CategorySetInput input, CancellationToken cancellationToken) =>
        Answer(await sets.CreateAsync(HttpContext.SessionId(), input, cancellationToken),
            set => CreatedAtAction(nameof(Get), new { id = set!.Id }, set));

    [HttpPut("{id}")]
    [ProducesResponseType<CategorySetView>(StatusCodes.Status200OK)]
    [ProducesResponseType<ValidationProblemDetails>(StatusCodes.Status400BadRequest)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Update(string id, CategorySetInput input, CancellationToken cancellationToken) =>
        Answer(await sets.UpdateAsync(HttpContext.SessionId(), id, input, cancellationToken), Ok);

    [HttpDelete("{id}")]
    [ProducesResponseType(StatusCodes.Status204NoContent)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict)]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        Answer(await sets.DeleteAsync(HttpContext.SessionId(), id, cancellationToken), _ => NoContent());

    private IActionResult Answer(CategorySetChange change, Func<CategorySetView?, IActionResult> done) => change.Outcome switch
    {
        CategorySetOutcome.Done => done(change.Set),
        CategorySetOutcome.NotFound => SetNotFound(),
        CategorySetOutcome.BuiltIn => Problem(statusCode: StatusCodes.Status409Conflict,
            title: "The default set cannot be changed or deleted. Copy it into a new set and change that."),
        _ => ValidationProblem(new ValidationProblemDetails(new Dictionary<string, string[]> { ["categorySet"] = [.. change.Problems] })
        {
            Title = string.Join(" ", change.Problems),
            Status = StatusCodes.Status400BadRequest,
        }),
    };

    private ObjectResult SetNotFound() =>
        Problem(statusCode: StatusCodes.Status404NotFound, title: "There is no such category set in this session.");
}
