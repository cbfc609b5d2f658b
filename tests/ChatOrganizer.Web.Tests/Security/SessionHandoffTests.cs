using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Pages;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;

namespace ChatOrganizer.Web.Tests.Security;

// The "Your session" page: when the session ends, and a one-time code that carries it to another browser. Each browser is
// an HttpClient with its own cookies; everything the app logs, at every level, is searched for the code.
public sealed partial class SessionHandoffTests : IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly ChatOrganizerApp _app;

    public SessionHandoffTests()
    {
        _app = new ChatOrganizerApp()
            .With("Logging:LogLevel:Default", "Trace")
            .With("Logging:LogLevel:Microsoft.AspNetCore", "Trace")
            .With("Logging:LogLevel:Microsoft.EntityFrameworkCore", "Trace")
            .WithServices(s => s.AddSingleton<ILoggerProvider>(_logs).AddSingleton<TimeProvider>(_clock));
    }

    [Fact]
    public async Task ThePageSaysWhenTheSessionEndsFourteenDaysFromNow()
    {
        using var browser = Browser();

        var html = await browser.PageAsync("/session");

        var expires = DateTime.Parse(Regex.Match(html, "<time datetime=\"([^\"]+)\" data-expires>").Groups[1].Value, CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        Assert.InRange(expires - _clock.GetUtcNow().UtcDateTime, TimeSpan.FromDays(14) - TimeSpan.FromMinutes(5), TimeSpan.FromDays(14) + TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ACodeCarriesTheSessionToAnotherBrowserOnceAndIsInNoLog()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await _app.DoneTopicJobAsync(owner);
        using var first = _app.CreateSessionClient(owner);
        using var second = Browser();
        using var third = Browser();
        Assert.DoesNotContain(job.Id, await second.PageAsync("/jobs"), StringComparison.Ordinal);

        var (code, link) = await MakeCodeAsync(first);
        Assert.Matches("^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$", code);
        Assert.EndsWith("/session/join#" + code, link, StringComparison.Ordinal);
        // The link's page puts the form that uses the code first; the session page puts making one first.
        var joinPage = await second.PageAsync("/session/join");
        Assert.Contains("data-handoff-input", joinPage, StringComparison.Ordinal);
        Assert.True(joinPage.IndexOf("id=\"join-heading\"", StringComparison.Ordinal) < joinPage.IndexOf("id=\"carry-heading\"", StringComparison.Ordinal));
        var sessionPage = await second.PageAsync("/session");
        Assert.True(sessionPage.IndexOf("id=\"join-heading\"", StringComparison.Ordinal) > sessionPage.IndexOf("id=\"carry-heading\"", StringComparison.Ordinal));

        // Typed as a person might: lower case, without the dashes.
        using var joined = await Join(second, code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        Assert.Equal(HttpStatusCode.Found, joined.StatusCode);
        Assert.Equal("/jobs", joined.Headers.Location!.OriginalString);
        Assert.Contains(job.Id, await second.PageAsync("/jobs"), StringComparison.Ordinal);
        Assert.Contains(job.Id, await first.PageAsync("/jobs"), StringComparison.Ordinal);

        using var again = await Join(third, code);
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("used already", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(job.Id, await third.PageAsync("/jobs"), StringComparison.Ordinal);

        Assert.True(_logs.Messages.Count > 50, $"only {_logs.Messages.Count} log messages were captured");
        foreach (var form in new[] { code, code.Replace("-", "", StringComparison.Ordinal) })
        {
            var leaking = _logs.Messages.Where(m => m.Contains(form, StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.True(leaking.Count == 0, $"the code is in {leaking.Count} log message(s), e.g. {leaking.FirstOrDefault()}");
        }
    }

    [Fact]
    public async Task ACodeOlderThanTenMinutesOpensNothing()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await _app.DoneTopicJobAsync(owner);
        using var first = _app.CreateSessionClient(owner);
        var (code, _) = await MakeCodeAsync(first);
        using var second = Browser();

        _clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        using var late = await Join(second, code);

        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Contains("older than 10 minutes", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(job.Id, await second.PageAsync("/jobs"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMadeUpCodeOpensNothing()
    {
        using var browser = Browser();

        using var response = await Join(browser, "ABCD-EFGH-JKMN");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not open a session", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private HttpClient Browser() => _app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static async Task<(string Code, string Link)> MakeCodeAsync(HttpClient browser)
    {
        using var made = await browser.PostFormAsync("/session/handoff");
        var html = await made.Content.ReadAsStringAsync();
        Assert.True(made.StatusCode == HttpStatusCode.OK, html);
        return (Regex.Match(html, "<code data-handoff-code>([^<]+)</code>").Groups[1].Value,
            WebUtility.HtmlDecode(Regex.Match(html, "<a href=\"([^\"]+)\" data-handoff-link>").Groups[1].Value));
    }

    private static async Task<HttpResponseMessage> Join(HttpClient browser, string code) =>
        await browser.PostFormAsync("/session/join", ("code", code));

    public void Dispose() => _app.Dispose();
}
