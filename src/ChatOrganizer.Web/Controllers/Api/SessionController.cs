using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

[ApiController]
[Route("api/session")]
public sealed class SessionController : ControllerBase
{
    // A bearer token for the caller's session, for scripts: Authorization: Bearer ....
    [HttpPost]
    public IActionResult Create() =>
        SignIn(Sessions.Principal(HttpContext.SessionId()), BearerTokenDefaults.AuthenticationScheme);
}
