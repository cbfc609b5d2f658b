using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

// The corrections form, in the results page and the viewer with one line each: it finds the job's categories and the
// action just made (?corrected=) itself, so neither page's model carries them.
public sealed class CorrectionsViewComponent(Corrections corrections) : ViewComponent
{
    // conversation: The viewer's conversation; null on the results page.
    public async Task<IViewComponentResult> InvokeAsync(string jobId, ResultConversation? conversation = null)
    {
        var session = HttpContext.SessionId();
        var cancellationToken = HttpContext.RequestAborted;
        if (await corrections.ChoicesAsync(session, jobId, cancellationToken) is not var (categories, allowNew)) return Content("");

        var query = Request.Query;
        var batch = query["corrected"].ToString();
        var made = batch.Length > 0 ? await corrections.ActionAsync(session, jobId, batch, cancellationToken) : null;
        var undone = int.TryParse(query["undone"], out var n) ? n : (int?)null;
        var returnTo = Request.Path + QueryString.Create(query.Where(q => q.Key is not ("corrected" or "undone")));
        return View(new CorrectionForm(jobId, categories, allowNew, conversation?.Index, conversation?.Category, conversation?.Corrected == true,
            conversation?.EngineCategory, returnTo, made is null ? null : new CorrectionUndo(batch, made.Moved, made.Category), undone));
    }
}
