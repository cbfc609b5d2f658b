using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOrganizer.Categorization;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace ChatOrganizer.Web.Tests.Browser;

// What a person clicks, in real headless Chromium against the app on loopback with the fake model.
public sealed partial class BrowserTests : IClassFixture<BrowserFixture>, IDisposable
{
    private static readonly string[] DefaultTopics = [.. CategorySet.Default.Categories.Take(4).Select(c => c.Name)];
    private static readonly LocatorAssertionsToHaveTextOptions Slowly = new() { Timeout = 90_000 };

    private readonly BrowserFixture _browser;
    private readonly TempExportFolder _folder = new();

    public BrowserTests(BrowserFixture browser, ITestOutputHelper output)
    {
        _browser = browser;
        output.WriteLine($"Screenshots: {browser.Screenshots}");
    }

    [Fact]
    public async Task AnExportIsUploadedEstimatedStartedFollowedToTheEndAndReadByTopicMonthAndYear()
    {
        var page = await _browser.NewPageAsync();
        var export = _folder.Write("conversations.json", ExportJson.AboutTopics(30, DefaultTopics));

        await page.GotoAsync("/");
        await _browser.ScreenshotAsync(page, "01-upload");
        await page.Locator("#file").SetInputFilesAsync(export);
        await Expect(page.Locator("#file-status")).ToContainTextAsync("Ready: conversations.json");
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());

        // Read, estimated, and waiting: nothing sent until the person says so.
        var start = page.GetByRole(AriaRole.Button, new() { Name = "Start categorizing" });
        await Expect(start).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Expect(page.Locator("[data-estimate=send]")).ToHaveTextAsync("30");
        await Expect(page.Locator("[data-estimate=requests]")).ToHaveTextAsync("10");
        var sentBefore = _browser.Fake.Requests;
        await _browser.ScreenshotAsync(page, "02-job-estimate");
        // After three answers the model's next ones wait until the page has shown the bar part-way: however fast the
        // machine, the job cannot end between two looks at the page.
        var shownPartWay = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _browser.Fake.FaultRule = request => request.Number > sentBefore + 3 ? new FakeFault.Held(shownPartWay.Task) : null;
        var seen = new SortedSet<double>();
        try
        {
            await start.ClickAsync();
            await page.WaitForURLAsync(JobPage());

            // The bar moves as batches finish, in place: the page is never reloaded (the marker survives).
            await page.EvaluateAsync("() => window.stillTheSamePage = true");
            var deadline = DateTime.UtcNow + Eventually.BackgroundWork;
            while (await page.Locator("#status-badge").TextContentAsync() != "Done")
            {
                var value = await page.EvaluateAsync<double>("() => document.querySelector('#job-bar')?.value ?? -1");
                seen.Add(value);
                if (value is > 0 and < 100) shownPartWay.TrySetResult();
                if (seen.Count == 3) await _browser.ScreenshotAsync(page, "03-job-progress");
                await Task.Delay(100);
                Assert.True(DateTime.UtcNow < deadline, $"The job never finished; the bar showed {string.Join(", ", seen)}.");
            }
        }
        finally
        {
            _browser.Fake.FaultRule = null;
            shownPartWay.TrySetResult();
        }
        Assert.Contains(seen, value => value is > 0 and < 100);
        Assert.Equal(100, await page.EvaluateAsync<double>("() => document.querySelector('#job-bar').value"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"));
        await Expect(page.Locator("#announcer")).ToContainTextAsync("Done");
        await Expect(page.Locator("#log li").Last).ToContainTextAsync("Done: 30 conversations categorized");
        Assert.Equal(10, _browser.Fake.Requests - sentBefore);
        await _browser.ScreenshotAsync(page, "04-job-done");

        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        Assert.Equal(DefaultTopics.Order(), (await GroupLabelsAsync(page)).Order());
        await _browser.ScreenshotAsync(page, "05-results-by-topic");

        await page.GetByRole(AriaRole.Link, new() { Name = "By month", Exact = true }).ClickAsync();
        await Expect(page.Locator("details.group summary .label").First).ToHaveTextAsync("December 2025"); // newest first
        Assert.Equal(24, (await GroupLabelsAsync(page)).Count);
        await _browser.ScreenshotAsync(page, "06-results-by-month");

        await page.GetByRole(AriaRole.Link, new() { Name = "By year" }).ClickAsync();
        await Expect(page.Locator("details.group summary .label")).ToHaveTextAsync(["2025", "2024"]);
        await _browser.ScreenshotAsync(page, "07-results-by-year");

        // Each category's share of every month, oldest month first.
        await page.GetByRole(AriaRole.Link, new() { Name = "Topic by month" }).ClickAsync();
        await Expect(page.Locator("table.shares tbody tr")).ToHaveCountAsync(24);
        await Expect(page.Locator("table.shares tbody th").First).ToHaveTextAsync("January 2024");
        await _browser.ScreenshotAsync(page, "07-topic-by-month");
        await page.GetByRole(AriaRole.Link, new() { Name = "By year" }).ClickAsync();

        // The filter narrows in place (the page is not reloaded), over every title of the job, and the address says so.
        await page.EvaluateAsync("() => window.stillTheSamePage = true");
        await page.Locator("#q").FillAsync("question 7 ");
        await Expect(page.Locator("#filter-status")).ToHaveTextAsync("1 conversation matches “question 7”.");
        await Expect(page.Locator("li[data-title]:visible")).ToHaveCountAsync(1);
        await Expect(page).ToHaveURLAsync(new Regex("[?&]q=question(\\+|%20)7$"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.stillTheSamePage === true"));
        await _browser.ScreenshotAsync(page, "08-results-filtered");

        await page.Locator("li[data-title]:visible a").ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync($"Question 7 about {DefaultTopics[3]}");
        await Expect(page.Locator(".message.role-user .body")).ToHaveTextAsync($"Tell me about {DefaultTopics[3]}, please.");
        await _browser.ScreenshotAsync(page, "09-conversation");

        await page.GoBackAsync();
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "CSV", Exact = true }).ClickAsync());
        var csv = (await File.ReadAllLinesAsync(await download.PathAsync())).Where(l => l.Length > 0).ToList();
        Assert.Equal("conversations-results.csv", download.SuggestedFilename);
        Assert.Equal("index,id,title,created,month,year,messages,model,category,status,engine,failure_reason,confidence,reason,corrected,engine_category", csv[0].TrimStart('\uFEFF'));
        Assert.Equal(31, csv.Count);

        var phone = await _browser.NewPageAsync(phone: true, sameSessionAs: page);
        await phone.GotoAsync(page.Url);
        await _browser.ScreenshotAsync(phone, "10-phone-results", fullPage: false);
        await phone.GotoAsync("/");
        await _browser.ScreenshotAsync(phone, "11-phone-upload", fullPage: false);
        await phone.GotoAsync("/jobs");
        await _browser.ScreenshotAsync(phone, "12-phone-jobs", fullPage: false);

        var dark = await _browser.NewPageAsync(sameSessionAs: page, dark: true);
        await dark.GotoAsync(page.Url.Replace("view=year", "view=topic", StringComparison.Ordinal));
        await _browser.ScreenshotAsync(dark, "12-dark-results");
    }

    [Fact]
    public async Task ACustomSetMadeInTheFormIsChosenOnUploadAndFilesTheConversations()
    {
        var page = await _browser.NewPageAsync();

        await page.GotoAsync("/category-sets");
        await page.GetByRole(AriaRole.Link, new() { Name = "New category set" }).ClickAsync();
        await page.GetByLabel("Name of the set").FillAsync("Hobbies");
        await page.Locator("#cat-0-name").FillAsync("Cooking");
        await page.Locator("#cat-1-name").FillAsync("Travel");
        await page.Locator("#cat-1-description").FillAsync("Trips, places and packing");
        // Rows come and go in place: the spare third row goes, a new one comes, focused and numbered.
        var url = page.Url;
        await page.GetByRole(AriaRole.Button, new() { Name = "Remove category 3" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add another category" }).ClickAsync();
        await Expect(page.Locator("#cat-2-name")).ToBeFocusedAsync();
        Assert.Equal(url, page.Url);
        await page.Locator("#cat-2-name").FillAsync("Music");
        await _browser.ScreenshotAsync(page, "13-category-set-form");
        await page.GetByRole(AriaRole.Button, new() { Name = "Save the set" }).ClickAsync();
        await Expect(page.Locator(".set h2").Last).ToHaveTextAsync("Hobbies");
        await _browser.ScreenshotAsync(page, "14-category-sets");

        await page.GotoAsync("/");
        await page.GetByLabel("Category set", new() { Exact = true }).SelectOptionAsync(new SelectOptionValue { Label = "Hobbies (3 categories)" });
        await page.GetByLabel("Show me the estimate before categorizing starts").UncheckAsync();
        var export = JsonNode.Parse(ExportJson.AboutTopics(12, "Cooking", "Travel", "Music"))!.AsArray();
        export.Add(Showcase());
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("hobbies.json", export.ToJsonString()));
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", Slowly);
        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();

        Assert.Equal(["Cooking", "Music", "Travel"], (await GroupLabelsAsync(page)).Order());
        await Expect(page.Locator("details.group summary [data-count]")).ToHaveTextAsync(["5", "4", "4"]);
        await _browser.ScreenshotAsync(page, "15-results-custom-set");

        // The viewer: code and its output as code, the answer's Markdown, and the earlier version one click away.
        await page.GetByRole(AriaRole.Link, new() { Name = "Cooking timer in Python" }).ClickAsync();
        await Expect(page.Locator("pre code").First).ToContainTextAsync("import time");
        await Expect(page.Locator(".markdown li")).ToHaveCountAsync(2);
        await Expect(page.Locator(".badge", new() { HasText = "version 2 of 2" })).ToBeVisibleAsync();
        await _browser.ScreenshotAsync(page, "16-conversation-with-branches");
        await page.GetByRole(AriaRole.Link, new() { Name = "version 1" }).ClickAsync();
        await Expect(page.Locator(".message.role-assistant .body").Last).ToHaveTextAsync("Boil the egg for seven minutes; a phone timer will do.");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Back to the version ChatGPT shows" })).ToBeVisibleAsync();
        await _browser.ScreenshotAsync(page, "17-conversation-other-branch");
    }

    [Fact]
    public async Task TheResultsOfAMonthJobStillPreparingSayHowFarItIsUntilItIsReady()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("months.json", ExportJson.AboutTopics(6, "Cooking")));
        await page.GetByRole(AriaRole.Radio, new() { Name = "By month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", Slowly);
        var jobId = new Uri(page.Url).Segments[^1];
        // As its second pass leaves it part-way (the conversations of six are prepared in a blink).
        await using (var db = _browser.App.Db())
        {
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 2));
        }

        await page.GotoAsync($"/jobs/{jobId}/results?view=month");
        await Expect(page.Locator("#preparing")).ToContainTextAsync("Preparing the transcripts and search: 2 of 6 conversations so far.");
        await _browser.ScreenshotAsync(page, "20-results-preparing", fullPage: false);
        await using (var db = _browser.App.Db())
        {
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 4));
        }
        await Expect(page.Locator("#preparing")).ToContainTextAsync("4 of 6");
        await using (var db = _browser.App.Db())
        {
            await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 6));
        }

        await Expect(page.Locator("#preparing")).ToHaveTextAsync("The transcripts and search are ready.");
    }

    [Fact]
    public async Task WithoutJavaScriptTheFormsWorkAndTheJobPageRefreshesItselfToTheEnd()
    {
        var page = await _browser.NewPageAsync(javaScript: false);

        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(_folder.Write("plain.json", ExportJson.AboutTopics(6, "Cooking")));
        await page.GetByRole(AriaRole.Radio, new() { Name = "By month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        // Committed is enough: the job page reloads itself every 10 s until the job ends, and a CI run once saw its
        // "load" event never reach Playwright (network idle came, load did not), while the page itself was there.
        await page.WaitForURLAsync(JobPage(), new() { WaitUntil = WaitUntilState.Commit });
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", Slowly);
        await _browser.ScreenshotAsync(page, "18-nojs-job-done");

        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        await page.Locator("#q").FillAsync("question 3");
        await page.Locator("#q").PressAsync("Enter");
        await page.WaitForURLAsync(new Regex("[?&]q=question\\+3"));
        await Expect(page.Locator("#filter-status")).ToHaveTextAsync("1 conversation matches “question 3”.");
        await _browser.ScreenshotAsync(page, "19-nojs-results-filtered");

        await page.GotoAsync("/category-sets/new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add another category" }).ClickAsync();
        await Expect(page.Locator("[data-row]")).ToHaveCountAsync(4);
    }

    [Fact]
    public async Task ALongConversationIsReadByItsOutlineWithOneReasoningControlPerAnswerAndLeadsToItsNeighbours()
    {
        var page = await _browser.NewPageAsync();
        var export = _folder.Write("long.json", LongConversationExport.Json());

        await page.GotoAsync("/");
        await page.Locator("#file").SetInputFilesAsync(export);
        await page.GetByRole(AriaRole.Radio, new() { Name = "By month" }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and start" }).ClickAsync();
        await page.WaitForURLAsync(JobPage());
        await Expect(page.Locator("#status-badge")).ToHaveTextAsync("Done", Slowly);
        await page.GetByRole(AriaRole.Link, new() { Name = "See the results" }).ClickAsync();
        // Newest first, and the first message of each in a line.
        await Expect(page.Locator("li[data-title] > a")).ToHaveTextAsync([LongConversationExport.NewerTitle, LongConversationExport.Title, LongConversationExport.OlderTitle]);
        await Expect(page.Locator("li[data-title] .snippet").Nth(1)).ToContainTextAsync("질문 1: 이 도표에서 콜옵션과 풋옵션의");
        await _browser.ScreenshotAsync(page, "20-results-snippets");

        await page.GetByRole(AriaRole.Link, new() { Name = LongConversationExport.Title }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(LongConversationExport.Title);
        await Expect(page.Locator(".message")).ToHaveCountAsync(75 * 3); // question, one reasoning control, answer
        var reasoning = page.Locator("details.thoughts");
        await Expect(reasoning).ToHaveCountAsync(75);
        await Expect(page.Locator("details.thoughts[open]")).ToHaveCountAsync(0);
        await Expect(reasoning.First.Locator("summary")).ToHaveTextAsync("Thought for 4 seconds");
        await Expect(page.Locator(".markdown strong", new() { HasText = "콜옵션(Call Option)" }).First).ToBeVisibleAsync();
        await _browser.ScreenshotAsync(page, "21-long-conversation", fullPage: false);

        // The outline jumps to the last question; its reasoning opens in one click.
        await page.Locator("details.outline summary").ClickAsync();
        await Expect(page.Locator("details.outline li")).ToHaveCountAsync(75);
        await page.Locator("details.outline li a").Last.ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("#m-long-m296$"));
        await Expect(page.Locator("#m-long-m296")).ToBeInViewportAsync();
        await reasoning.Last.Locator("summary").ClickAsync();
        await Expect(reasoning.Last).ToContainTextAsync("행사가격 175의 만기 손익");
        await _browser.ScreenshotAsync(page, "22-long-conversation-last-question", fullPage: false);

        // Previous and next in the month, newest first.
        await page.Locator("nav.neighbours").First.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Older: ") }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(LongConversationExport.OlderTitle);
        await Expect(page.Locator("nav.neighbours").First).ToContainTextAsync("3 of 3 in January 2024");
        await page.Locator("nav.neighbours").First.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Newer: ") }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(LongConversationExport.Title);
        await page.Locator("nav.neighbours").First.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Newer: ") }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync(LongConversationExport.NewerTitle);
        await _browser.ScreenshotAsync(page, "23-conversation-neighbours");
    }

    // A question answered twice (the first answer regenerated), the second time with code run by the python tool and
    // a Markdown answer: root → question → { plain answer (older), code → output → answer (active) }.
    private static JsonObject Showcase()
    {
        const double at = 1_717_200_000;
        JsonObject Says(string id, string role, string text, double time, string? contentType = null, string? recipient = null, string? author = null)
        {
            var message = ExportJson.Message(id, role, text, time);
            if (contentType is not null) message["content"] = new JsonObject { ["content_type"] = contentType, ["language"] = "python", ["text"] = text };
            if (recipient is not null) message["recipient"] = recipient;
            if (author is not null) message["author"]!["name"] = author;
            if (role == "assistant") message["metadata"] = new JsonObject { ["model_slug"] = "gpt-4o" };
            return message;
        }
        return new JsonObject
        {
            ["id"] = "showcase",
            ["conversation_id"] = "showcase",
            ["title"] = "Cooking timer in Python",
            ["create_time"] = at,
            ["update_time"] = at + 120,
            ["default_model_slug"] = "gpt-4o",
            ["current_node"] = "answer",
            ["mapping"] = new JsonObject
            {
                ["root"] = ExportJson.Node("root", null, null, "question"),
                ["question"] = ExportJson.Node("question", Says("question", "user", "How long do I boil an egg? Cooking help, and a timer in Python please.", at + 1), "root", "old-answer", "code"),
                ["old-answer"] = ExportJson.Node("old-answer", Says("old-answer", "assistant", "Boil the egg for seven minutes; a phone timer will do.", at + 5), "question"),
                ["code"] = ExportJson.Node("code", Says("code", "assistant", "import time\nfor left in range(7, 0, -1):\n    print(f\"{left} min\")\n    time.sleep(60)", at + 10, "code", "python"), "question", "output"),
                ["output"] = ExportJson.Node("output", Says("output", "tool", "7 min\n6 min\n5 min", at + 11, "execution_output", author: "python"), "code", "answer"),
                ["answer"] = ExportJson.Node("answer", Says("answer", "assistant", "Seven minutes for a jammy egg. The timer above:\n\n- prints the **minutes left**\n- sleeps `60` seconds between lines", at + 15), "output"),
            },
        };
    }

    private static Task<IReadOnlyList<string>> GroupLabelsAsync(IPage page) =>
        page.Locator("details.group summary .label").AllTextContentsAsync();

    [GeneratedRegex("/jobs/[A-Za-z0-9_-]{22}$")]
    private static partial Regex JobPage();

    public void Dispose() => _folder.Dispose();
}
