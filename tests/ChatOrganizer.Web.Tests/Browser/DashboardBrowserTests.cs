using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task TheJobsDashboardShowsTheStepsByNameInChromiumWithoutAContentSecurityPolicyViolation()
    {
        using var client = _browser.App.CreateClient();
        var job = await client.UploadAsync(ExportJson.AboutTopics(12, DefaultTopics), fileName: "dashboard-export.json");
        Assert.Equal(JobStatus.Done, (await client.WaitUntilEndedAsync(job.Id, TimeSpan.FromSeconds(90))).Status);
        var page = await _browser.NewPageAsync();
        var violations = await WatchContentSecurityPolicyAsync(page);

        // The browser is on this machine: the dashboard opens without a token.
        await page.GotoAsync("/hangfire");
        await Expect(page.Locator(".navbar-brand")).ToHaveTextAsync("ChatOrganizer steps");
        // The live chart and counters fill in from the stats the page polls.
        await Expect(page.Locator("#realtimeGraph, .js-realtime-graph, canvas").First).ToBeVisibleAsync();
        await page.WaitForTimeoutAsync(2500);
        await _browser.ScreenshotAsync(page, "30-dashboard-home");
        await KeepReportedAsync();

        await page.GotoAsync("/hangfire/jobs/succeeded");
        var names = page.Locator("a.job-method");
        await Expect(names.Filter(new() { HasText = "Read export dashboard-export.json" })).ToHaveCountAsync(1);
        await Expect(names.Filter(new() { HasText = "Categorize items 1-12 of dashboard-export.json" })).ToHaveCountAsync(1);
        await _browser.ScreenshotAsync(page, "31-dashboard-succeeded");
        await KeepReportedAsync();

        await names.Filter(new() { HasText = "Categorize items 1-12" }).ClickAsync();
        await Expect(page.Locator("h1")).ToContainTextAsync("Categorize items 1-12 of dashboard-export.json");
        await _browser.ScreenshotAsync(page, "32-dashboard-step");
        await KeepReportedAsync();

        await page.GotoAsync("/hangfire/recurring");
        await Expect(page.Locator("table")).ToContainTextAsync("Maintenance sweep");
        await KeepReportedAsync();
        await page.GotoAsync("/hangfire/servers");
        await _browser.ScreenshotAsync(page, "33-dashboard-servers");
        await KeepReportedAsync();
        foreach (var other in new[] { "/hangfire/jobs/enqueued", "/hangfire/jobs/processing", "/hangfire/jobs/scheduled", "/hangfire/jobs/failed", "/hangfire/retries", "/hangfire/jobs/deleted" })
        {
            await page.GotoAsync(other);
            await Expect(page.Locator(".navbar-brand")).ToHaveTextAsync("ChatOrganizer steps");
            await KeepReportedAsync();
        }

        Assert.True(violations.Count == 0, string.Join("\n", violations.Distinct()));

        // The document's own reports live as long as it does: kept before the next page replaces it.
        async Task KeepReportedAsync() => violations.AddRange(await page.EvaluateAsync<string[]>("() => window.cspViolations"));
    }

    // Every Content-Security-Policy violation the page reports, from the console and from the document's own event.
    private static async Task<List<string>> WatchContentSecurityPolicyAsync(IPage page)
    {
        var violations = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal)) violations.Add(message.Text);
        };
        await page.AddInitScriptAsync("""
            window.cspViolations = [];
            document.addEventListener('securitypolicyviolation', e => window.cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
            """);
        return violations;
    }
}
