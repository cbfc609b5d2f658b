using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Web.Jobs;

namespace ChatOrganizer.Web.Tests.Jobs;

// Who may open the Hangfire dashboard at /hangfire. The in-process test server has no client address, which makes
// its requests remote; a real Kestrel port on 127.0.0.1 makes them local.
public sealed class DashboardTests : IDisposable
{
    private const string Token = "dashboard-secret-0123456789abcdef";
    private readonly List<ChatOrganizerApp> _apps = [];

    [Fact]
    public async Task ARemoteRequestIsRefusedWhicheverSessionItComesWith()
    {
        var app = Start();
        using var anonymous = app.CreateClient();
        using var cookieSession = app.CreateSessionClient("someone");
        using var apiSession = await ApiSessionAsync(app);

        foreach (var client in new[] { anonymous, cookieSession, apiSession })
        {
            using var response = await client.GetAsync(new Uri(JobsDashboard.Path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.DoesNotContain("ChatOrganizer steps", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            // Without a token there is nothing to sign in with: no prompt.
            Assert.Empty(response.Headers.WwwAuthenticate);
        }
    }

    [Fact]
    public async Task WithATokenSetARemoteRequestBearingItOpensTheDashboardAndASessionTokenDoesNot()
    {
        var app = Start(("Jobs:DashboardToken", Token));
        using var client = app.CreateClient();
        using var apiSession = await ApiSessionAsync(app);

        var bearer = await GetAsync(client, new AuthenticationHeaderValue("Bearer", Token));
        var browserPrompt = await GetAsync(client, new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("me:" + Token))));
        var wrong = await GetAsync(client, new AuthenticationHeaderValue("Bearer", Token[..^1] + "x"));
        var sessionToken = await GetAsync(client, apiSession.DefaultRequestHeaders.Authorization);

        Assert.Equal(HttpStatusCode.OK, bearer.StatusCode);
        Assert.Contains("ChatOrganizer steps", bearer.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, browserPrompt.StatusCode);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrong.StatusCode, sessionToken.StatusCode));
        Assert.Equal("Basic", Assert.Single(wrong.Challenges).Scheme);
    }

    [Fact]
    public async Task ALocalRequestOpensTheDashboardUnlessAProxyOnThisMachineForwardedIt()
    {
        var app = Start();
        using var local = new HttpClient { BaseAddress = app.StartKestrel() };
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, JobsDashboard.Path);
        forwarded.Headers.Add("X-Forwarded-For", "203.0.113.7");

        using var direct = await local.GetAsync(new Uri(JobsDashboard.Path, UriKind.Relative));
        using var throughAProxy = await local.SendAsync(forwarded);

        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Contains("ChatOrganizer steps", await direct.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, throughAProxy.StatusCode);
    }

    [Fact]
    public async Task TheDashboardIsNotCountedByThePageRateLimits()
    {
        var app = Start(("RateLimits:Default:PermitLimit", "3"), ("RateLimits:Default:AddressPermitLimit", "3"));
        using var local = new HttpClient(new HttpClientHandler { UseCookies = true }) { BaseAddress = app.StartKestrel() };

        var dashboard = new List<HttpStatusCode>();
        for (var i = 0; i < 10; i++)
        {
            using var response = await local.GetAsync(new Uri(JobsDashboard.Path + "/jobs/succeeded", UriKind.Relative));
            dashboard.Add(response.StatusCode);
        }
        var pages = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await local.GetAsync(new Uri("/category-sets", UriKind.Relative));
            pages.Add(response.StatusCode);
        }

        Assert.All(dashboard, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Contains(HttpStatusCode.TooManyRequests, pages);
    }

    [Fact]
    public async Task TheDashboardHasItsOwnContentSecurityPolicyAndTheRestOfTheAppKeepsTheStrictOne()
    {
        var app = Start(("Jobs:DashboardToken", Token));
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

        using var dashboard = await client.GetAsync(new Uri(JobsDashboard.Path, UriKind.Relative));
        using var page = await client.GetAsync(new Uri("/", UriKind.Relative));

        var dashboardPolicy = Assert.Single(dashboard.Headers.GetValues("Content-Security-Policy"));
        var pagePolicy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self';", dashboardPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", dashboardPolicy, StringComparison.Ordinal);
        Assert.Contains("style-src-attr 'unsafe-hashes' 'sha256-", dashboardPolicy, StringComparison.Ordinal);
        Assert.DoesNotContain("sha256-", pagePolicy, StringComparison.Ordinal);
    }

    private ChatOrganizerApp Start(params (string Key, string Value)[] settings)
    {
        var app = new ChatOrganizerApp();
        foreach (var (key, value) in settings) app.With(key, value);
        _apps.Add(app);
        return app;
    }

    private static async Task<HttpClient> ApiSessionAsync(ChatOrganizerApp app)
    {
        var client = app.CreateClient();
        using var session = await client.PostAsync(new Uri("/api/session", UriKind.Relative), content: null);
        var token = (await session.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("accessToken").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(HttpStatusCode StatusCode, string Body, IReadOnlyList<AuthenticationHeaderValue> Challenges)> GetAsync(
        HttpClient client, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, JobsDashboard.Path);
        request.Headers.Authorization = authorization;
        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), [.. response.Headers.WwwAuthenticate]);
    }

    public void Dispose() => _apps.ForEach(app => app.Dispose());
}
