using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Errors;

[ApiExplorerSettings(IgnoreApi = true)]
[AllowAnonymous]
public sealed class ErrorController : Controller
{
    [Route("/error/{status:int}")]
    [SuppressMessage("Security", "CA5395:Miss HttpVerb attribute for action methods", Justification = "Re-executed for every verb.")]
    public IActionResult Show(int status)
    {
        var originalPath = HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalPath
            ?? HttpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path
            ?? Request.Path.Value ?? "/";
        var title = ErrorMessages.For(status);

        if (originalPath.StartsWith("/api", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(statusCode: status, title: title);
        }

        Response.StatusCode = status;
        return View("Error", new ErrorViewModel(status, title, HttpContext.TraceIdentifier));
    }
}

public sealed record ErrorViewModel(int Status, string Message, string TraceId);

internal static class ErrorMessages
{
    public static string For(int status) => status switch
    {
        400 => "The request could not be understood.",
        401 => "Please sign in again: your session or key has expired.",
        404 => "There is nothing here. It may have been deleted, or it belongs to another session.",
        405 => "That action is not allowed here.",
        413 => "The upload is larger than this server accepts.",
        415 => "That kind of file is not accepted here.",
        429 => "Too many requests. Please wait a moment and try again.",
        _ when status >= 500 => "Something went wrong on our side. Your data is safe; please try again.",
        _ => "The request could not be completed.",
    };
}
