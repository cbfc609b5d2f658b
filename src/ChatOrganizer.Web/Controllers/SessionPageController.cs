using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers;

/// <summary>"Your session": when it expires, and a one-time code (or link) that opens it in another browser.</summary>
[AutoValidateAntiforgeryToken]
public sealed class SessionPageController(SessionHandoffs handoffs) : Controller
{
    [HttpGet("/session")]
    public async Task<IActionResult> Index() => View(await PageAsync(handoff: null, code: null, error: null));

    [HttpPost("/session/handoff")]
    public async Task<IActionResult> Handoff(CancellationToken cancellationToken)
    {
        var (code, expiresAt) = await handoffs.CreateAsync(HttpContext.SessionId(), cancellationToken);
        // In the fragment: a browser never sends it, so no request line, access log or proxy log can hold the code.
        var link = $"{Request.Scheme}://{Request.Host}/session/join#{Uri.EscapeDataString(code)}";
        return View(nameof(Index), await PageAsync(new HandoffCode(code, link, expiresAt), code: null, error: null));
    }

    /// <summary>The link's target: its script fills the form from the fragment; opening it (or a link preview fetching it) uses nothing.</summary>
    [HttpGet("/session/join")]
    public async Task<IActionResult> Join() => View(nameof(Index), await PageAsync(handoff: null, code: null, error: null));

    [HttpPost("/session/join")]
    public async Task<IActionResult> Join([FromForm] string? code, CancellationToken cancellationToken)
    {
        var owner = await handoffs.RedeemAsync(code, cancellationToken);
        if (owner is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), await PageAsync(handoff: null, code: null,
                error: $"That code does not open a session: it may be mistyped, used already, or older than {SessionHandoffs.Lifetime.TotalMinutes:0} minutes. Make a new one in the other browser."));
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Sessions.Principal(owner), Sessions.Persistent);
        return Redirect("/jobs");
    }

    private async Task<SessionPage> PageAsync(HandoffCode? handoff, string? code, string? error)
    {
        var cookie = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return new SessionPage(cookie.Properties?.ExpiresUtc?.UtcDateTime, handoff, code, error);
    }
}
