using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Exports;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

// A person correcting a category on the results page in headless Chromium, and taking it back.
public sealed class CorrectionBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly string Coding = CategorySet.Default.Categories[0].Name;
    private static readonly string Writing = CategorySet.Default.Categories[1].Name;
    private readonly TempExportFolder _folder = new();

    [Fact]
    public async Task MovingOneConversationChangesTheCountsAtOnceAndUndoPutsItBack()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.GetByLabel("Show me the estimate before categorizing starts").UncheckAsync();
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("mine.json", ExportJson.AboutTopics(6, Coding, Writing)));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", new() { Timeout = 90_000 });
        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        var labels = page.Locator("details.group summary .label");
        var counts = page.Locator("details.group summary [data-count]");
        await Expect(labels).ToHaveTextAsync([Coding, Writing]);
        await Expect(counts).ToHaveTextAsync(["3", "3"]);

        await page.GetByLabel($"Select “Question 0 about {Coding}”").CheckAsync();
        await page.GetByLabel("Move the ticked conversations to").SelectOptionAsync(new SelectOptionValue { Label = Writing });
        await page.GetByRole(AriaRole.Button, new() { Name = "Move", Exact = true }).ClickAsync();

        await Expect(page.Locator("[data-correction-notice]")).ToContainTextAsync($"Moved 1 conversation to “{Writing}”");
        await Expect(labels).ToHaveTextAsync([Writing, Coding]);
        await Expect(counts).ToHaveTextAsync(["4", "2"]);
        await Expect(page.Locator("li", new() { HasText = $"Question 0 about {Coding}" }).Locator("[data-chosen]")).ToBeVisibleAsync();
        await browser.ScreenshotAsync(page, "40-results-corrected");

        await page.GetByRole(AriaRole.Button, new() { Name = "Undo" }).ClickAsync();
        await Expect(page.Locator("[data-correction-notice]")).ToContainTextAsync("Put back 1 conversation");
        await Expect(labels).ToHaveTextAsync([Coding, Writing]);
        await Expect(counts).ToHaveTextAsync(["3", "3"]);
        await Expect(page.Locator("[data-chosen]")).ToHaveCountAsync(0);
    }

    public void Dispose() => _folder.Dispose();
}
