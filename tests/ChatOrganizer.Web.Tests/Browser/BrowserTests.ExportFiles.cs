using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Tests.Pages;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task AnExportZipsImagesShowInTheViewerItsUploadsDownloadAndToolsAreCards()
    {
        var page = await _browser.NewPageAsync();
        var zip = AttachmentExport.WriteZip(_folder.File("export-with-files.zip"), ExportFilesTests.Korean());

        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(zip);
        await page.GetByRole(AriaRole.Radio, new() { Name = "By month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", Slowly);
        // Conversations in export order: 0 pictures and files, 1 the DALL·E round trip and other tools, 2 the Korean answer.
        var conversation = page.Url + "/conversations/";
        await page.GotoAsync(conversation + "0");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Pictures and files");

        // Every pointer form drawn from its file (each scrolled to, as they load lazily), the missing one said so.
        var images = page.Locator(".attachment-image img");
        await Expect(images).ToHaveCountAsync(3);
        Assert.Equal(new[] { "cat photo.png", "7f3a9c.png", "스크린샷 2026.png" }, await images.EvaluateAllAsync<string[]>("all => all.map(i => i.alt)"));
        for (var i = 0; i < 3; i++)
        {
            await images.Nth(i).ScrollIntoViewIfNeededAsync();
            await Expect(images.Nth(i)).ToHaveJSPropertyAsync("complete", true);
        }
        Assert.Equal(new[] { 64, 40, 48 }, await images.EvaluateAllAsync<int[]>("all => all.map(i => i.naturalWidth)"));
        await Expect(page.GetByText("image not in the export")).ToBeVisibleAsync();
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await _browser.ScreenshotAsync(page, "20-conversation-with-images");

        // The file the person sent alone is their message, and downloads under its own name.
        var pdf = page.Locator(".message.role-user").GetByRole(AriaRole.Link, new() { Name = AttachmentExport.PdfName });
        await Expect(pdf).ToBeVisibleAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => pdf.ClickAsync());
        Assert.Equal(AttachmentExport.PdfName, download.SuggestedFilename);
        Assert.StartsWith("%PDF-1.4", await File.ReadAllTextAsync(await download.PathAsync()), StringComparison.Ordinal);

        // DALL·E: the prompt as a card that opens, the picture shown, the note to the model nowhere.
        await page.GotoAsync(conversation + "1");
        var prompt = page.Locator(".tool-card.tool-imagegeneration").First;
        await Expect(prompt.Locator("summary")).ToContainTextAsync("DALL·E prompt");
        await Expect(prompt.Locator(".body")).ToBeHiddenAsync();
        await prompt.Locator("summary").ClickAsync();
        await Expect(prompt.Locator(".body")).ToHaveTextAsync(AttachmentExport.DallePrompt);
        var generated = page.Locator(".tool-card.tool-imagegeneration[open] img");
        await Expect(generated).ToHaveJSPropertyAsync("complete", true);
        Assert.True(await generated.EvaluateAsync<int>("i => i.naturalWidth") > 0, "The DALL·E image was not drawn.");
        await Expect(page.GetByText("DALL·E displayed")).ToHaveCountAsync(0);
        await Expect(page.Locator(".tool-card .tool-label")).ToHaveTextAsync(["DALL·E", "DALL·E", "Code interpreter", "Code interpreter", "Memory", "Memory", "Browsing", "Browsing", "Canvas", "Canvas"]);
        await Expect(page.Locator(".who")).ToHaveTextAsync(["You", "ChatGPT", "You", "ChatGPT"]);
        await _browser.ScreenshotAsync(page, "21-conversation-dalle-and-tools");

        // Bold beside Hangul, a table and a named code block, as ChatGPT shows them.
        await page.GotoAsync(conversation + "2");
        await Expect(page.Locator(".markdown strong").First).ToHaveTextAsync("콜옵션(Call Option)");
        await Expect(page.Locator(".markdown table td strong")).ToHaveTextAsync("행사가");
        await Expect(page.Locator(".markdown .code-label")).ToHaveTextAsync("python");
        await _browser.ScreenshotAsync(page, "22-conversation-korean-markdown");
    }
}
