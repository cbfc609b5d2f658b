using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Security;

// Behind a reverse proxy every request comes from the proxy's address. Security:KnownProxies (addresses) and
// Security:KnownNetworks (CIDR ranges), comma-separated, name the proxies whose X-Forwarded-For and
// X-Forwarded-Proto are believed, so per-address rate limits see the client and cookies know HTTPS. None by
// default, not even loopback: anyone could send the header, and a proxy on this machine is still a choice to make.
internal static class TrustedProxies
{
    public const string ProxiesKey = "Security:KnownProxies";
    public const string NetworksKey = "Security:KnownNetworks";

    public static WebApplicationBuilder AddTrustedProxies(this WebApplicationBuilder builder)
    {
        var proxies = List(builder.Configuration[ProxiesKey]);
        var networks = List(builder.Configuration[NetworksKey]);
        var problems = proxies.Where(p => !IPAddress.TryParse(p, out _)).Select(p => $"{ProxiesKey}: '{p}' is not an IP address (e.g. 10.0.0.5 or ::1).")
            .Concat(networks.Where(n => !System.Net.IPNetwork.TryParse(n, out _)).Select(n => $"{NetworksKey}: '{n}' is not a network in CIDR form (e.g. 10.0.0.0/8 or fd00::/8)."))
            .ToList();

        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .Configure(options =>
            {
                options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Clear();
                foreach (var proxy in proxies) if (IPAddress.TryParse(proxy, out var address)) options.KnownProxies.Add(address);
                foreach (var network in networks) if (System.Net.IPNetwork.TryParse(network, out var range)) options.KnownIPNetworks.Add(range);
                // A chain of trusted proxies is walked back to the first address none of them vouches for.
                options.ForwardLimit = null;
            })
            .Validate(_ => problems.Count == 0, string.Join(" ", problems))
            .ValidateOnStart();
        return builder;
    }

    // First of all, so everything after (rate limits, sessions, the dashboard's local check) sees the client.
    public static WebApplication UseTrustedProxies(this WebApplication app)
    {
        app.UseForwardedHeaders();
        return app;
    }

    private static string[] List(string? value) =>
        (value ?? "").Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
