using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Exports;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

// The search page as a person uses it, in headless Chromium: from the navigation to the matching message.
public sealed class SearchBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly TempExportFolder _folder = new();

    [Fact]
    public async Task AKoreanWordIsSearchedFromTheNavigationAndItsHitOpensTheViewerAtTheMessage()
    {
        var page = await browser.NewPageAsync();
        var filler = string.Join(' ', Enumerable.Repeat("이 문단은 화면을 채우기 위한 긴 답변입니다.", 120));
        var export = _folder.Write("conversations.json", System.Text.Encoding.UTF8.GetBytes(ExportJson.Array(
            LongConversation("b-1", "새 채팅", filler, "주식투자에서 분산은 왜 중요한가요? <b>굵게</b>"),
            ExportJson.Conversation("b-2", "여행", "오사카 여행 일정", "도톤보리"))));

        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(export);
        await page.Locator("input[name=mode][value=month]").CheckAsync();
        await page.Locator("#upload-button").ClickAsync();
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", new() { Timeout = 60_000 });

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = "Search" }).ClickAsync();
        await page.GetByLabel("Words to find").FillAsync("주식");
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();

        var hits = page.Locator(".search-hits li");
        await Expect(hits).ToHaveCountAsync(1);
        await Expect(hits.Locator("mark")).ToHaveTextAsync("주식");
        await Expect(hits.Locator(".snippet")).ToContainTextAsync("<b>굵게</b>");
        await browser.ScreenshotAsync(page, "search-01-hits");

        await hits.GetByRole(AriaRole.Link, new() { Name = "새 채팅" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("#m-b-1-question", StringComparison.Ordinal));
        var target = page.Locator("#m-b-1-question");
        await Expect(target).ToContainTextAsync("주식투자에서");
        // The viewer scrolled to the message, below a long answer: it is on screen, and the top of the page is not.
        await Expect(target).ToBeInViewportAsync();
        await Expect(page.Locator("h1")).Not.ToBeInViewportAsync();
        await browser.ScreenshotAsync(page, "search-02-viewer-at-message", fullPage: false);
    }

    // A long answer first, then the question the search finds, so the viewer must scroll to reach it.
    private static JsonObject LongConversation(string id, string title, string answer, string question)
    {
        var conversation = ExportJson.Conversation(id, title, "먼저 길게 설명해 주세요.", answer);
        var mapping = conversation["mapping"]!.AsObject();
        var questionId = $"{id}-question";
        mapping[$"{id}-answer"]!["children"] = new JsonArray(questionId);
        mapping[questionId] = ExportJson.Node(questionId, ExportJson.Message(questionId, "user", question, 1_700_000_010), $"{id}-answer");
        conversation["current_node"] = questionId;
        return conversation;
    }

    public void Dispose() => _folder.Dispose();
}
