using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Controllers;

// "Your session": when it expires, and a one-time code (or link) that opens it in another browser.
[AutoValidateAntiforgeryToken]
public sealed class SessionPageController(SessionHandoffs handoffs, IOptions<Security.SessionOptions> options, TimeProvider time) : Controller
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

    // The link's target: its script fills the form from the fragment; opening it (or a link preview fetching it) uses nothing.
    [HttpGet("/session/join")]
    public async Task<IActionResult> Join() => View(nameof(Index), await PageAsync(handoff: null, code: null, error: null, joining: true));

    // The code is read from the form here, not bound as an argument: MVC logs action arguments at Trace.
    [HttpPost("/session/join")]
    [ActionName("Join")]
    public async Task<IActionResult> Redeem(CancellationToken cancellationToken)
    {
        var owner = await handoffs.RedeemAsync(Request.Form["code"].ToString(), cancellationToken);
        if (owner is null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return View(nameof(Index), await PageAsync(handoff: null, code: null,
                error: $"That code does not open a session: it may be mistyped, used already, or older than {SessionHandoffs.Lifetime.TotalMinutes:0} minutes. Make a new one in the other browser.", joining: true));
        }
        await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, Sessions.Principal(owner), Sessions.Persistent);
        return Redirect("/jobs");
    }

    private async Task<SessionPage> PageAsync(HandoffCode? handoff, string? code, string? error, bool joining = false)
    {
        var cookie = await HttpContext.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        // A first visit's cookie is only being set by this very response: it lasts the whole lifetime from now.
        var expires = cookie.Properties?.ExpiresUtc?.UtcDateTime
            ?? (Request.Headers.Authorization.Count == 0 ? time.GetUtcNow().UtcDateTime + options.Value.CookieLifetime : null);
        return new SessionPage(expires, handoff, code, error, joining);
    }
}
