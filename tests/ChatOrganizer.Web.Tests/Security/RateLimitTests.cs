using System.Net;
using System.Net.Http.Json;

namespace ChatOrganizer.Web.Tests.Security;

public sealed class RateLimitTests
{
    [Fact]
    public async Task KeyRegistrationPastTheLimitAnswers429WithRetryAfter()
    {
        using var app = new ChatOrganizerApp()
            .With("RateLimits:Keys:PermitLimit", "3")
            .With("RateLimits:Keys:WindowSeconds", "120");
        using var client = app.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/api/keys", new { apiKey = "sk-test-1234" });
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.True(int.Parse(Assert.Single(response.Headers.GetValues("Retry-After")), System.Globalization.CultureInfo.InvariantCulture) > 0);
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            }
        }

        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task NewSessionsFromOneAddressShareTheAddressLimit()
    {
        using var app = new ChatOrganizerApp()
            .With("RateLimits:Keys:PermitLimit", "5")
            .With("RateLimits:Keys:AddressPermitLimit", "2");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var freshSession = app.CreateClient();
            using var response = await freshSession.PostAsJsonAsync("/api/keys", new { apiKey = "sk-test-1234" });
            statuses.Add(response.StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }
}
