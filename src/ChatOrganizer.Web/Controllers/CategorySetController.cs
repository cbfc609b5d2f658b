using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// The session's category sets in forms: list, create, edit, delete, and copies of any set (the built-in one
// included). Rows are added and removed by submit buttons, so the form works without script; the page's
// script does the same in place.
[AutoValidateAntiforgeryToken]
public sealed class CategorySetController(CategorySetService sets) : Controller
{
    public const string AddRow = "add";
    public const string RemoveRowPrefix = "remove:";
    public const string Save = "save";

    [HttpGet("/category-sets")]
    public async Task<IActionResult> List(bool deleted, bool saved, CancellationToken cancellationToken) =>
        View(new CategorySetListPage(await sets.ListAsync(HttpContext.SessionId(), cancellationToken), deleted, saved, Problem: null));

    [HttpGet("/category-sets/new")]
    public IActionResult New() => View("Edit", CategorySetEditPage.For(null, CategorySetForm.Blank()));

    [HttpPost("/category-sets/new")]
    public Task<IActionResult> Create(CategorySetForm form, string? command, CancellationToken cancellationToken) =>
        SubmitAsync(null, form, command, cancellationToken);

    [HttpGet("/category-sets/{id}")]
    public async Task<IActionResult> Edit(string id, CancellationToken cancellationToken)
    {
        var set = await sets.GetAsync(HttpContext.SessionId(), id, cancellationToken);
        if (set is null) return NotFound();
        if (set.IsBuiltIn) return RedirectToAction(nameof(List), null, $"set-{id}");
        return View(CategorySetEditPage.For(id, CategorySetForm.From(set)));
    }

    [HttpPost("/category-sets/{id}")]
    public Task<IActionResult> Update(string id, CategorySetForm form, string? command, CancellationToken cancellationToken) =>
        SubmitAsync(id, form, command, cancellationToken);

    [HttpPost("/category-sets/{id}/copy")]
    public async Task<IActionResult> Copy(string id, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        var set = await sets.GetAsync(session, id, cancellationToken);
        if (set is null) return NotFound();

        var form = CategorySetForm.From(set);
        form.Name = $"{set.Name} (copy)";
        var change = await sets.CreateAsync(session, form.ToInput(), cancellationToken);
        if (change.Outcome == CategorySetOutcome.Done) return RedirectToAction(nameof(Edit), new { id = change.Set!.Id });

        Response.StatusCode = StatusCodes.Status400BadRequest;
        return View(nameof(List), new CategorySetListPage(await sets.ListAsync(session, cancellationToken), Deleted: false, Saved: false, string.Join(" ", change.Problems)));
    }

    [HttpPost("/category-sets/{id}/delete")]
    public async Task<IActionResult> Delete(string id, CancellationToken cancellationToken) =>
        (await sets.DeleteAsync(HttpContext.SessionId(), id, cancellationToken)).Outcome switch
        {
            CategorySetOutcome.Done => RedirectToAction(nameof(List), new { deleted = true }),
            CategorySetOutcome.BuiltIn => BadRequest(),
            _ => NotFound(),
        };

    private async Task<IActionResult> SubmitAsync(string? id, CategorySetForm form, string? command, CancellationToken cancellationToken)
    {
        var session = HttpContext.SessionId();
        if (id is not null && await sets.GetAsync(session, id, cancellationToken) is not { IsBuiltIn: false }) return NotFound();

        if (command == AddRow)
        {
            form.Categories.Add(new CategoryRow());
            return View("Edit", CategorySetEditPage.For(id, form));
        }
        if (command?.StartsWith(RemoveRowPrefix, StringComparison.Ordinal) == true
            && int.TryParse(command.AsSpan(RemoveRowPrefix.Length), out var row) && row >= 0 && row < form.Categories.Count)
        {
            form.Categories.RemoveAt(row);
            if (form.Categories.Count == 0) form.Categories.Add(new CategoryRow());
            return View("Edit", CategorySetEditPage.For(id, form));
        }

        form.DropBlankRows();
        var change = id is null
            ? await sets.CreateAsync(session, form.ToInput(), cancellationToken)
            : await sets.UpdateAsync(session, id, form.ToInput(), cancellationToken);
        switch (change.Outcome)
        {
            case CategorySetOutcome.Done:
                return RedirectToAction(nameof(List), null, new { saved = true }, $"set-{change.Set!.Id}");
            case CategorySetOutcome.Invalid:
                if (form.Categories.Count == 0) form.Categories.Add(new CategoryRow());
                Response.StatusCode = StatusCodes.Status400BadRequest;
                return View("Edit", CategorySetEditPage.For(id, form, change.Problems));
            default:
                return NotFound();
        }
    }
}
