using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Controllers.Api;

[ApiController]
[Route("api/keys")]
[RateLimit(RateLimits.Keys)]
public sealed class KeysController(ApiKeyProtector protector) : ControllerBase
{
    // Trades an OpenAI API key for a short-lived token (header X-Key-Token on POST /api/jobs).
    // The key itself is not stored anywhere.
    [HttpPost]
    public ActionResult<KeyToken> Create(KeyRequest request)
    {
        if (!ApiKeyProtector.LooksLikeAKey(request.ApiKey))
        {
            return Problem(statusCode: StatusCodes.Status400BadRequest,
                title: $"That does not look like an API key: it should be one word of at most {ApiKeyProtector.MaxKeyLength} characters.");
        }
        var token = protector.ProtectForSession(request.ApiKey!, HttpContext.SessionId());
        return StatusCode(StatusCodes.Status201Created, token);
    }
}

public sealed record KeyRequest(string? ApiKey)
{
    // MVC logs action arguments at Trace level; a record would print the key there.
    public override string ToString() => $"{nameof(KeyRequest)} {{ ApiKey = {(ApiKey is null ? "null" : "(hidden)")} }}";
}
