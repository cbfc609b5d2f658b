using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// Hangfire's dashboard at /hangfire, for the person running the server: the steps queued, running, retried
// and done, by name. Read-only (the app's database decides what runs; a job is cancelled from its page). Mounted
// before sessions and rate limits: it never looks at a session, and polling it costs a session nothing.
internal static class JobsDashboard
{
    public const string Path = "/hangfire";

    public static WebApplication UseJobsDashboard(this WebApplication app)
    {
        var token = app.Services.GetRequiredService<IOptions<JobOptions>>().Value.DashboardToken;
        app.UseHangfireDashboard(Path, new DashboardOptions
        {
            Authorization = [new DashboardAccess(string.IsNullOrWhiteSpace(token) ? null : token.Trim())],
            IsReadOnlyFunc = _ => true,
            DashboardTitle = "ChatOrganizer steps",
            AppPath = "/",
            // The footer would show the database's host and name.
            DisplayStorageConnectionString = false,
        });
        return app;
    }

    // Local requests, or any request bearing JobOptions.DashboardToken: as Authorization: Bearer
    // (scripts, a proxy that adds it), or as the password of the browser's sign-in prompt (Basic), which is asked for
    // when a token is set. A session's cookie or API bearer token is never enough.
    internal sealed class DashboardAccess(string? token) : IDashboardAuthorizationFilter
    {
        public bool Authorize(DashboardContext context)
        {
            var http = context.GetHttpContext();
            if (token is not null && Presents(http.Request, token)) return true;
            if (IsLocal(http)) return true;
            if (token is not null) http.Response.Headers.WWWAuthenticate = "Basic realm=\"ChatOrganizer steps\", charset=\"UTF-8\"";
            return false;
        }

        // From this machine, and not through a proxy on it: a reverse proxy makes every request come from loopback, and says
        // so in X-Forwarded-For (or Forwarded), so those are not local; nor is one whose header a trusted
        // proxy's (Security.TrustedProxies) was already read into X-Original-For.
        internal static bool IsLocal(HttpContext http)
        {
            var headers = http.Request.Headers;
            if (headers.ContainsKey("X-Forwarded-For") || headers.ContainsKey("Forwarded") || headers.ContainsKey("X-Original-For")) return false;
            var remote = http.Connection.RemoteIpAddress;
            if (remote is null) return false;
            if (remote.IsIPv4MappedToIPv6) remote = remote.MapToIPv4();
            return IPAddress.IsLoopback(remote) || remote.Equals(http.Connection.LocalIpAddress);
        }

        private static bool Presents(HttpRequest request, string token)
        {
            var header = request.Headers.Authorization.ToString();
            string? presented = null;
            if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                presented = header["Bearer ".Length..].Trim();
            }
            else if (header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
            {
                try
                {
                    var credentials = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
                    presented = credentials[(credentials.IndexOf(':') + 1)..];
                }
                catch (FormatException)
                {
                    return false;
                }
            }
            return presented is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(token));
        }
    }
}
