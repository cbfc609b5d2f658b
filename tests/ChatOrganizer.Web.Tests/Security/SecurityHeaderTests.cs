using System.Net;

namespace ChatOrganizer.Web.Tests.Security;

public sealed class SecurityHeaderTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/site.css")]
    [InlineData("/api/nothing-here")]
    public async Task EveryAnswerCarriesTheSecurityHeaders(string path)
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative));

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task CrossOriginRequestsGetNoCorsGrantByDefault()
    {
        using var client = fixture.App.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/session");
        preflight.Headers.Add("Origin", "https://evil.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await client.SendAsync(preflight);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task AnOriginInCorsOriginsIsAllowed()
    {
        using var app = new ChatOrganizerApp().With("Security:CorsOrigins", "https://tools.example, https://other.example");
        using var client = app.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/session");
        preflight.Headers.Add("Origin", "https://tools.example");
        preflight.Headers.Add("Access-Control-Request-Method", "POST");

        using var response = await client.SendAsync(preflight);

        Assert.Equal("https://tools.example", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task ServerErrorsShowNoStackTrace()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync(new Uri("/error/500", UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong on our side", body, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", body, StringComparison.Ordinal);
    }
}
