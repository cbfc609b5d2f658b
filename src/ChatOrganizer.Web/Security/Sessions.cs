using System.Security.Claims;
using System.Security.Cryptography;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;

namespace ChatOrganizer.Web.Security;

// Every browser gets an anonymous session (a random id in a protected cookie); API clients get the
// same identity as a bearer token from POST /api/session. Jobs, results and category sets
// belong to a session id; asking for another session's data answers 404.
internal static class Sessions
{
    public const string Scheme = "Session";
    public const string SessionIdClaim = "sid";
    public const string CookieName = "chatorg.session";

    public static WebApplicationBuilder AddSessions(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(SessionOptions.Section).Get<SessionOptions>() ?? new SessionOptions();
        builder.Services.Configure<SessionOptions>(builder.Configuration.GetSection(SessionOptions.Section));

        var folder = builder.ConfiguredDataFolder();
        DataFolder.CreatePrivate(folder.Keys);

        // Keys in the data folder: a restart keeps sessions and protected API keys readable, and
        // scale-out instances sharing the folder share the keys.
        builder.Services.AddDataProtection()
            .SetApplicationName("ChatOrganizer")
            .PersistKeysToFileSystem(new DirectoryInfo(folder.Keys));

        builder.Services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, displayName: null, policy => policy.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenDefaults.AuthenticationScheme
                    : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie =>
            {
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = options.CookieLifetime;
                cookie.SlidingExpiration = true;
                cookie.Events.OnRedirectToLogin = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                };
            })
            .AddBearerToken(bearer => bearer.BearerTokenExpiration = options.BearerTokenLifetime);
        // Every endpoint needs a session unless it says otherwise ([AllowAnonymous]: health, errors).
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireClaim(SessionIdClaim).Build());
        return builder;
    }

    // Authenticates the request and starts a cookie session for a newcomer.
    public static WebApplication UseSessions(this WebApplication app)
    {
        app.UseAuthentication();
        app.Use(async (context, next) =>
        {
            var presentedBearer = context.Request.Headers.Authorization.Count > 0;
            if (context.User.FindFirstValue(SessionIdClaim) is null && !presentedBearer)
            {
                var principal = NewSession();
                // Persistent: a cookie without an expiry ends with the browser, and the person's jobs and sets with it.
                // Sliding renewal keeps the flag, so the session lasts CookieLifetime from the last visit.
                await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal, Persistent);
                context.User = principal;
            }
            await next(context);
        });
        app.UseAuthorization();
        return app;
    }

    // Sign-in properties of every session cookie, a new one's or one carried from another browser.
    public static AuthenticationProperties Persistent => new() { IsPersistent = true };

    public static ClaimsPrincipal NewSession() => Principal(RandomNumberGenerator.GetHexString(32, lowercase: true));

    public static ClaimsPrincipal Principal(string sessionId) =>
        new(new ClaimsIdentity([new Claim(SessionIdClaim, sessionId)], authenticationType: Scheme));

    // The caller's session id; every request past UseSessions has one, or was answered 401.
    public static string SessionId(this HttpContext context) =>
        context.User.FindFirstValue(SessionIdClaim)
        ?? throw new InvalidOperationException("No session: UseSessions must run before this endpoint.");
}
