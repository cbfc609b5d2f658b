using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace ChatOrganizer.Web.Tests.Security;

public sealed class SessionTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Fact]
    public async Task FirstVisitStartsAnHttpOnlySameSiteSessionCookie()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("chatorg.session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheSessionCookieOutlivesTheBrowserForFourteenDays()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("chatorg.session=", StringComparison.Ordinal));
        var expires = cookie.Split(';', StringSplitOptions.TrimEntries).SingleOrDefault(p => p.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        Assert.True(expires is not null, $"The session cookie has no expiry, so it ends with the browser: {cookie}");
        var at = DateTimeOffset.Parse(expires["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        var lifetime = at - DateTimeOffset.UtcNow;
        Assert.InRange(lifetime, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(14) + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ApiClientGetsAnExpiringBearerTokenThatOpensItsSession()
    {
        using var client = fixture.App.CreateClient();

        using var created = await client.PostAsync(new Uri("/api/session", UriKind.Relative), content: null);
        var token = await created.Content.ReadFromJsonAsync<BearerToken>();

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.NotNull(token);
        Assert.True(token.ExpiresIn > 0);
        using var bearerClient = fixture.App.CreateClient(new() { HandleCookies = false });
        bearerClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
        using var page = await bearerClient.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task ForgedBearerTokenIsRefusedWithProblemDetails()
    {
        using var client = fixture.App.CreateClient(new() { HandleCookies = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");

        using var response = await client.GetAsync(new Uri("/api/session-check", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    private sealed record BearerToken(string TokenType, string AccessToken, int ExpiresIn);
}
