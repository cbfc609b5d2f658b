using ChatOrganizer.Testing.Exports;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

// A session as a person keeps it, in headless Chromium: across a browser restart, and carried to another browser.
public sealed class SessionBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly TempExportFolder _folder = new();

    [Fact]
    public async Task TheSessionOutlivesABrowserRestartAndItsOneTimeLinkOpensItInAnotherBrowserOnlyOnce()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("mine.json", ExportJson.AboutTopics(2, "Cooking", "Travel")));
        await page.Locator("input[name=mode][value=month]").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", new() { Timeout = 60_000 });

        // A restarted browser keeps only cookies with an expiry: the session's has one, 14 days away.
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Expires > 0);
        Assert.InRange(DateTimeOffset.FromUnixTimeSeconds((long)session.Expires) - DateTimeOffset.UtcNow, TimeSpan.FromDays(13.9), TimeSpan.FromDays(14.1));
        await page.Context.CloseAsync();
        var restarted = await browser.Browser.NewContextAsync(new() { BaseURL = browser.BaseUrl.ToString() });
        await restarted.AddCookiesAsync([new Cookie { Name = session.Name, Value = session.Value, Domain = session.Domain, Path = session.Path, Expires = session.Expires, HttpOnly = true, SameSite = session.SameSite }]);
        page = await restarted.NewPageAsync();
        await page.GotoAsync("/jobs");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "mine.json" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Your session" }).ClickAsync();
        await Expect(page.Locator("[data-expires]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Make a one-time code" }).ClickAsync();
        var link = (await page.Locator("[data-handoff-link]").GetAttributeAsync("href"))!;

        var other = await browser.NewPageAsync();
        await other.GotoAsync(link);
        // The form that uses the code comes first, filled in by the page from the link.
        await Expect(other.Locator("h2").First).ToHaveTextAsync("Use a code from another browser");
        await Expect(other.Locator("#code")).ToHaveValueAsync(link[(link.IndexOf('#', StringComparison.Ordinal) + 1)..]);
        await other.GetByRole(AriaRole.Button, new() { Name = "Open that session here" }).ClickAsync();
        await Expect(other.GetByRole(AriaRole.Link, new() { Name = "mine.json" })).ToBeVisibleAsync();
        await browser.ScreenshotAsync(other, "session-01-joined");

        var third = await browser.NewPageAsync();
        await third.GotoAsync(link);
        await third.GetByRole(AriaRole.Button, new() { Name = "Open that session here" }).ClickAsync();
        await Expect(third.GetByRole(AriaRole.Alert)).ToContainTextAsync("That code does not open a session");
        await third.GotoAsync("/jobs");
        await Expect(third.GetByRole(AriaRole.Link, new() { Name = "mine.json" })).ToHaveCountAsync(0);
    }

    public void Dispose() => _folder.Dispose();
}
