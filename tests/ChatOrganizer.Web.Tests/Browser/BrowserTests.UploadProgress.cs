using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Exports;
using Microsoft.Playwright;

namespace ChatOrganizer.Web.Tests.Browser;

public sealed partial class BrowserTests
{
    [Fact]
    public async Task TheUploadLineShowsTheUploadWithTheServersCheckOfItThenTheCheckThenTheJob()
    {
        var page = await _browser.NewPageAsync();
        // 8 MB sent at 2 MB/s: seconds of upload on loopback, long enough for the page to ask the server several times.
        var padded = Enumerable.Range(0, 100).Select(i =>
        {
            var conversation = ExportJson.Conversation($"c{i}", $"Padded {i}");
            conversation["padding"] = new string('x', 80_000);
            return (JsonNode)conversation;
        }).ToArray();
        var export = _folder.Write("large.json", ExportJson.Array(padded));
        var network = await page.Context.NewCDPSessionAsync(page);
        await network.SendAsync("Network.enable");
        await network.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false, ["latency"] = 0, ["downloadThroughput"] = -1, ["uploadThroughput"] = 2 * 1024 * 1024,
        });

        await page.GotoAsync("/");
        // Every text of the progress line, kept in the tab's session storage so that it outlives the move to the job page.
        await page.EvaluateAsync("""
            () => {
              const line = document.getElementById("upload-progress-text");
              new MutationObserver(() => {
                const seen = JSON.parse(sessionStorage.getItem("progress") ?? "[]");
                sessionStorage.setItem("progress", JSON.stringify([...seen, line.textContent]));
              }).observe(line, { childList: true, characterData: true, subtree: true });
            }
            """);
        await page.Locator("#file").SetInputFilesAsync(export);
        await page.GetByRole(AriaRole.Radio, new() { Name = "By month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        var seen = await page.EvaluateAsync<string[]>("() => JSON.parse(sessionStorage.getItem('progress') ?? '[]')");

        var uploading = seen.Where(t => t.StartsWith("Uploading: ", StringComparison.Ordinal)).ToList();
        Assert.True(uploading.Count >= 3, string.Join(Environment.NewLine, seen));
        // The server's check was reported while the browser still sent, not only after.
        Assert.Contains(uploading, t => t.Contains("checked as it arrives", StringComparison.Ordinal));
        var checking = seen.ToList().FindIndex(t => t.Contains("Checking the export", StringComparison.Ordinal));
        Assert.True(checking > seen.ToList().FindLastIndex(t => t.StartsWith("Uploading: ", StringComparison.Ordinal)), string.Join(Environment.NewLine, seen));
    }
}
