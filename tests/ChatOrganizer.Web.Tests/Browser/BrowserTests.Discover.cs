using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task DiscoverTopicsFromTheUploadFormThenKeepThemAsACategorySetInOneClick()
    {
        await OfflineReady.WarmAsync(_browser.App);
        var page = await _browser.NewPageAsync();

        await page.GotoAsync("/");
        await page.Locator("input[name=mode][value=discover]").CheckAsync();
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("mixed.json", TopicalExport.Json()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", new() { Timeout = 180_000 });
        await Expect(page.Locator("#log")).ToContainTextAsync("Found 3 topics in 18 conversations");
        await _browser.ScreenshotAsync(page, "30-discover-job-done");

        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        var topics = await GroupLabelsAsync(page);
        Assert.Equal(3, topics.Count);
        Assert.Contains(topics, t => t.Contains("bread", StringComparison.OrdinalIgnoreCase));
        await Expect(page.Locator("details.group summary [data-count]")).ToHaveTextAsync(["6", "6", "6"]);
        await _browser.ScreenshotAsync(page, "31-discover-results");

        // A conversation's viewer lists its nearest neighbours, from this job.
        await page.GetByRole(AriaRole.Link, new() { Name = "Sourdough bread rising" }).ClickAsync();
        await Expect(page.Locator("#similar li")).ToHaveCountAsync(5);
        await Expect(page.Locator("#similar li").First).ToContainTextAsync("bread", new() { IgnoreCase = true });
        await _browser.ScreenshotAsync(page, "32-conversation-similar");
        await page.GoBackAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Make these a category set" }).ClickAsync();
        await page.WaitForURLAsync(new System.Text.RegularExpressions.Regex("/category-sets/[A-Za-z0-9_-]+$"));
        await Expect(page.GetByLabel("Name of the set")).ToHaveValueAsync("Topics of mixed.json");
        var names = new List<string>();
        for (var i = 0; i < 3; i++) names.Add(await page.Locator($"#cat-{i}-name").InputValueAsync());
        Assert.Equal(topics.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        await _browser.ScreenshotAsync(page, "33-discovered-set");
    }
}
