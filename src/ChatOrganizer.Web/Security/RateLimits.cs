using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Security;

// Names an endpoint's rate-limit policy; endpoints without one get RateLimits.Default.
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method)]
public sealed class RateLimitAttribute(string policy) : Attribute
{
    public string Policy { get; } = policy;
}

public sealed class RateLimitPolicyOptions
{
    // Requests one session may make per window.
    public int PermitLimit { get; set; }

    // Requests one client address may make per window, all its sessions together (new sessions are free to make).
    public int AddressPermitLimit { get; set; }

    public int WindowSeconds { get; set; } = 60;
}

// Built-in ASP.NET Core rate limiting, partitioned twice: per session, and per client address so
// that minting new sessions does not buy more requests. Settings: RateLimits:<Policy>:*,
// or RATELIMIT_<POLICY>_<SETTING> in the environment.
internal static class RateLimits
{
    public const string Section = "RateLimits";
    public const string Uploads = "Uploads";
    public const string Keys = "Keys";
    public const string Polling = "Polling";
    public const string Files = "Files";
    public const string Default = "Default";

    private static readonly Dictionary<string, RateLimitPolicyOptions> Defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        // An upload is up to gigabytes of disk and minutes of work: a few per window is plenty for a person.
        [Uploads] = new() { PermitLimit = 10, AddressPermitLimit = 30, WindowSeconds = 600 },
        [Keys] = new() { PermitLimit = 10, AddressPermitLimit = 30, WindowSeconds = 600 },
        // The job page polls about once a second per open tab.
        [Polling] = new() { PermitLimit = 600, AddressPermitLimit = 3000, WindowSeconds = 60 },
        // A conversation's images are fetched one request each (66 in one real conversation), and are cheap to serve.
        [Files] = new() { PermitLimit = 2000, AddressPermitLimit = 6000, WindowSeconds = 60 },
        [Default] = new() { PermitLimit = 300, AddressPermitLimit = 1200, WindowSeconds = 60 },
    };

    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        foreach (var (name, defaults) in Defaults)
        {
            builder.Services.AddOptions<RateLimitPolicyOptions>(name)
                .Configure(o =>
                {
                    o.PermitLimit = defaults.PermitLimit;
                    o.AddressPermitLimit = defaults.AddressPermitLimit;
                    o.WindowSeconds = defaults.WindowSeconds;
                })
                .BindConfiguration($"{Section}:{name}")
                .Validate(o => o.PermitLimit > 0 && o.AddressPermitLimit > 0 && o.WindowSeconds > 0,
                    $"{Section}:{name}: PermitLimit, AddressPermitLimit and WindowSeconds must each be a whole number above 0.")
                .ValidateOnStart();
        }

        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Partitioned("session", context => context.User.FindFirst(Sessions.SessionIdClaim)?.Value, o => o.PermitLimit),
                Partitioned("address", context => context.Connection.RemoteIpAddress?.ToString(), o => o.AddressPermitLimit));
            limiter.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static PartitionedRateLimiter<HttpContext> Partitioned(
        string scope, Func<HttpContext, string?> partitionOf, Func<RateLimitPolicyOptions, int> limitOf) =>
        PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            var endpoint = context.GetEndpoint();
            if (endpoint is null || endpoint.Metadata.GetMetadata<DisableRateLimitingAttribute>() is not null)
            {
                return RateLimitPartition.GetNoLimiter("unlimited");
            }

            var policy = endpoint.Metadata.GetMetadata<RateLimitAttribute>()?.Policy ?? Default;
            var options = context.RequestServices.GetRequiredService<IOptionsMonitor<RateLimitPolicyOptions>>().Get(policy);
            var key = $"{policy}|{scope}|{partitionOf(context) ?? "unknown"}";
            return RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limitOf(options),
                Window = TimeSpan.FromSeconds(options.WindowSeconds),
                QueueLimit = 0,
            });
        });

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var response = rejected.HttpContext.Response;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : 60;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);

        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = "Too many requests.",
            Detail = $"Please wait {retryAfter} seconds and try again.",
        };
        await response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json", cancellationToken);
    }
}
