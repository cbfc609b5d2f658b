using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

[ApiController]
[Route("api/session")]
public sealed class SessionController : ControllerBase
{
    /// <summary>A bearer token for the caller's session, for scripts: <c>Authorization: Bearer ...</c>.</summary>
    [HttpPost]
    public IActionResult Create() =>
        SignIn(Sessions.Principal(HttpContext.SessionId()), BearerTokenDefaults.AuthenticationScheme);
}
