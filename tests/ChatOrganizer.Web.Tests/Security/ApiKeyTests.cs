using System.Net;
using System.Net.Http.Json;
using ChatOrganizer.Testing;
using ChatOrganizer.Web.Security;

namespace ChatOrganizer.Web.Tests.Security;

public sealed class ApiKeyTests
{
    private const string Key = "sk-proj-Secret0123456789";

    [Fact]
    public async Task PostingAKeyReturnsAToken()
    {
        using var app = new ChatOrganizerApp();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/keys", new { apiKey = Key });
        var token = await response.Content.ReadFromJsonAsync<KeyToken>();

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.NotNull(token);
        Assert.DoesNotContain(Key, token.Token, StringComparison.Ordinal);
        Assert.InRange(token.ExpiresAt - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10.5));
    }

    [Fact]
    public async Task SomethingThatIsNotAKeyGetsASentence()
    {
        using var app = new ChatOrganizerApp();
        using var client = app.CreateClient();

        using var response = await client.PostAsJsonAsync("/api/keys", new { apiKey = "two words" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not look like an API key", body, StringComparison.Ordinal);
    }

    [Fact]
    public void ATokenOpensOnlyForItsOwnSessionAndOnlyUntilItExpires()
    {
        var clock = new ManualTimeProvider();
        using var app = new ChatOrganizerApp().WithServices(s => s.AddSingleton<TimeProvider>(clock));
        var protector = app.Services.GetRequiredService<ApiKeyProtector>();

        var token = protector.ProtectForSession(Key, "session-a");

        Assert.Equal(Key, protector.UnprotectForSession(token.Token, "session-a"));
        Assert.Null(protector.UnprotectForSession(token.Token, "session-b"));
        clock.Advance(TimeSpan.FromMinutes(11));
        Assert.Null(protector.UnprotectForSession(token.Token, "session-a"));
    }

    [Fact]
    public void AJobTokenCannotBeUsedAsASessionToken()
    {
        using var app = new ChatOrganizerApp();
        var protector = app.Services.GetRequiredService<ApiKeyProtector>();

        var jobToken = protector.ProtectForJob(Key, "job-1");

        Assert.Equal(Key, protector.UnprotectForJob(jobToken, "job-1"));
        Assert.Null(protector.UnprotectForJob(jobToken, "job-2"));
        Assert.Null(protector.UnprotectForSession(jobToken, "job-1"));
    }
}
