using System.Net;
using System.Net.Http.Json;

namespace ChatOrganizer.Web.Tests.Security;

// Over real Kestrel on 127.0.0.1, so the connection's address is a real one: the proxy's.
public sealed class TrustedProxyTests
{
    [Fact]
    public async Task ThroughATrustedProxyEachClientHasItsOwnAddressLimit()
    {
        using var app = new ChatOrganizerApp()
            .With("Security:KnownProxies", "127.0.0.1, ::1")
            .With("RateLimits:Keys:AddressPermitLimit", "2");
        var address = app.StartKestrel();

        var first = await PostKeysAsync(address, "203.0.113.7", times: 3);
        var second = await PostKeysAsync(address, "203.0.113.8", times: 1);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], first);
        Assert.Equal([HttpStatusCode.Created], second);
    }

    [Fact]
    public async Task AnUntrustedSendersForwardedForIsIgnored()
    {
        using var app = new ChatOrganizerApp()
            .With("Security:KnownNetworks", "10.0.0.0/8")
            .With("RateLimits:Keys:AddressPermitLimit", "2");
        var address = app.StartKestrel();

        var first = await PostKeysAsync(address, "203.0.113.7", times: 2);
        var second = await PostKeysAsync(address, "203.0.113.8", times: 1);

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created], first);
        Assert.Equal([HttpStatusCode.TooManyRequests], second);
    }

    [Theory]
    [InlineData("Security:KnownProxies", "10.0.0.300", "'10.0.0.300' is not an IP address")]
    [InlineData("Security:KnownNetworks", "10.0.0.0/40", "'10.0.0.0/40' is not a network in CIDR form")]
    public void ABadProxySettingStopsTheAppSayingWhich(string key, string value, string expected)
    {
        using var app = new ChatOrganizerApp().With(key, value);

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains(expected, error.ToString(), StringComparison.Ordinal);
    }

    // Each request from a new session, so only the per-address limit can refuse it.
    private static async Task<List<HttpStatusCode>> PostKeysAsync(Uri address, string client, int times)
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < times; i++)
        {
            using var http = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = address };
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/keys") { Content = JsonContent.Create(new { apiKey = "sk-test-1234" }) };
            request.Headers.Add("X-Forwarded-For", client);
            using var response = await http.SendAsync(request);
            statuses.Add(response.StatusCode);
        }
        return statuses;
    }
}
