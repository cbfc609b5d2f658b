using System.IO.Compression;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using static ChatOrganizer.Testing.Exports.AttachmentExport;

namespace ChatOrganizer.Web.Tests.Pages;

// An export ZIP with its files (every pointer form, a file-only message, a DALL·E round trip, hostile SVG and HTML)
// uploaded through the page and read by the real job: what the viewer, the file route and the transcripts ZIP make of it.
public sealed partial class ExportFilesTests(ExportFilesTests.UploadedExport export) : IClassFixture<ExportFilesTests.UploadedExport>
{
    public const string KoreanAnswer = "이 도표는 **콜옵션(Call Option)**에 대한 설명입니다.\n\n| 항목 | 값 |\n|---|---|\n| **행사가** | 100 |\n\n```python\nprint('옵션')\n```";

    // A Korean answer with bold beside Hangul, a table and a fenced block, as a real Korean export has them.
    public static JsonObject Korean() => new Chain("korean", "콜옵션 설명")
        .Add("user", Text("콜옵션이 뭐야?"))
        .Add("assistant", Text(KoreanAnswer))
        .Build(1_760_200_000);

    [Fact]
    public async Task EveryPointerFormShowsItsImageLazilySizedAndNamed()
    {
        var html = await export.PageAsync(0);

        Assert.DoesNotContain("[image:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("file-service://", html, StringComparison.Ordinal);
        Assert.DoesNotContain("sediment://", html, StringComparison.Ordinal);
        var images = Images().Matches(html).Select(m => (Alt: WebUtility.HtmlDecode(m.Groups["alt"].Value), m.Groups["width"].Value, m.Groups["height"].Value)).ToList();
        Assert.Equal(
        [
            ("cat photo.png", "64", "40"), // file-service:// to a file-* at the root, named by the person
            ("7f3a9c.png", "40", "64"), // sediment:// to user-*/
            ("스크린샷 2026.png", "48", "48"), // a .dat named by conversation_asset_file_names.json, size from its bytes
        ], images);
        Assert.Equal(1, Regex.Count(html, "image not in the export", RegexOptions.None));
    }

    [Fact]
    public async Task AFileOnlyMessageOfThePersonShowsAsItsDownload()
    {
        var html = await export.PageAsync(0);

        var message = Message(html, "pictures-m9");
        Assert.Contains("class=\"message role-user\"", message, StringComparison.Ordinal);
        Assert.Contains($"download=\"{PdfName}\">{PdfName}</a>", message, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"body", message, StringComparison.Ordinal);
        // Every message the person sent is there: six of them.
        Assert.Equal(6, Regex.Count(html, "class=\"message role-user\"", RegexOptions.None));
    }

    [Fact]
    public async Task SvgAndHtmlFilesAreDownloadsNeverPictures()
    {
        var html = await export.PageAsync(0);

        var message = Message(html, "pictures-m11");
        Assert.Contains("download=\"drawing.svg\">drawing.svg</a>", message, StringComparison.Ordinal);
        Assert.Contains("download=\"page.html\">page.html</a>", message, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilesAreServedAsWhatTheyAreInlineOnlyForRasterImages()
    {
        var html = await export.PageAsync(0);
        using var client = export.Client();

        using var cat = await client.GetAsync(new Uri(Link(Message(html, "pictures-m1")), UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, cat.StatusCode);
        Assert.Equal("image/png", cat.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", cat.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(["nosniff"], cat.Headers.GetValues("X-Content-Type-Options"));
        Assert.Equal(Files.Single(f => f.Path.EndsWith("cat photo.png", StringComparison.Ordinal)).Content, await cat.Content.ReadAsByteArrayAsync());

        var pictures = Message(html, "pictures-m9") + Message(html, "pictures-m11");
        var served = new Dictionary<string, (string? Type, string? Disposition, string? Name)>();
        foreach (Match link in FileLinks().Matches(pictures))
        {
            using var response = await client.GetAsync(new Uri(link.Groups["href"].Value, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.Contains("sandbox", string.Join(' ', response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
            served[WebUtility.HtmlDecode(link.Groups["name"].Value)] = (response.Content.Headers.ContentType?.MediaType, response.Content.Headers.ContentDisposition?.DispositionType, response.Content.Headers.ContentDisposition?.FileNameStar);
        }
        Assert.Equal(("application/pdf", "attachment", PdfName), served[PdfName]);
        Assert.Equal(("application/octet-stream", "attachment", "drawing.svg"), served["drawing.svg"]);
        Assert.Equal(("application/octet-stream", "attachment", "page.html"), served["page.html"]);
    }

    [Fact]
    public async Task AnotherSessionGetsNoFileAndANumberTheJobDoesNotHoldIsNotFound()
    {
        var link = Link(Message(await export.PageAsync(0), "pictures-m1"));
        using var stranger = export.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        using var owner = export.Client();

        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri($"/jobs/{export.JobId}/files/999", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync(new Uri($"/jobs/{export.JobId}/files/0", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task ADalleRoundTripIsAPromptCardAndAnImageCardAndItsNoteToTheModelIsHidden()
    {
        var html = await export.PageAsync(1);

        var call = Message(html, "tools-m2");
        Assert.Contains("tool-traffic", call, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tool-label\">DALL·E</span> <span class=\"tool-part\">prompt</span>", call, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"body plain\">{WebUtility.HtmlEncode(DallePrompt)}</div>", call, StringComparison.Ordinal);
        Assert.DoesNotContain("\"size\"", call, StringComparison.Ordinal); // the prompt, not the call's JSON
        Assert.DoesNotContain("class=\"who\"", call, StringComparison.Ordinal); // neither "You" nor "ChatGPT"

        var image = Message(html, "tools-m3");
        Assert.Contains("<details class=\"tool-card tool-imagegeneration\" open=\"open\">", image, StringComparison.Ordinal);
        Assert.Matches(Images(), image);
        Assert.Contains("width=\"1\" height=\"1\"", image, StringComparison.Ordinal); // the WebP's own size

        Assert.DoesNotContain("DALL·E displayed", html, StringComparison.Ordinal);
        Assert.Contains("Here is your lighthouse.", Message(html, "tools-m5"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CodeMemoryBrowsingAndCanvasAreLabelledCardsAndTheChartIsShown()
    {
        var html = await export.PageAsync(1);

        string Label(string node) => LabelOf().Match(Message(html, node)) is { Success: true } m ? $"{m.Groups[1].Value} {m.Groups[2].Value}" : "(no card)";
        Assert.Equal(
            ["Code interpreter code", "Code interpreter output", "Memory saved", "Memory result", "Browsing query", "Browsing result", "Canvas document", "Canvas result"],
            new[] { "tools-m7", "tools-m8", "tools-m9", "tools-m10", "tools-m11", "tools-m12", "tools-m13", "tools-m14" }.Select(Label));
        Assert.Contains("<pre><code>import matplotlib.pyplot as plt", Message(html, "tools-m7"), StringComparison.Ordinal);
        Assert.Matches(Images(), Message(html, "tools-m8")); // the chart, from aggregate_result
        Assert.DoesNotContain("&lt;&lt;ImageDisplayed&gt;&gt;", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"body plain\">Light over water</div>", Message(html, "tools-m13"), StringComparison.Ordinal);
        // Only the assistant's own answers speak as ChatGPT; the calls to tools are cards.
        Assert.Equal(2, Regex.Count(html, "<span class=\"who\">ChatGPT</span>", RegexOptions.None));
        Assert.Equal(2, Regex.Count(html, "<span class=\"who\">You</span>", RegexOptions.None));
    }

    [Fact]
    public async Task BoldBesideKoreanTablesAndNamedCodeRenderInTheViewer()
    {
        var html = await export.PageAsync(2);

        Assert.Contains("이 도표는 <strong>콜옵션(Call Option)</strong>에 대한 설명입니다.", html, StringComparison.Ordinal);
        Assert.Contains("<td><strong>행사가</strong></td>", html, StringComparison.Ordinal);
        Assert.Contains("<p class=\"code-label\">python</p>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("**", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheTranscriptsZipHoldsTheFilesBesideTheTranscriptsWithRelativeLinks()
    {
        using var client = export.Client();

        using var response = await client.GetAsync(new Uri($"/jobs/{export.JobId}/transcripts.zip", UriKind.Relative));
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var transcript = zip.Entries.Single(e => e.FullName.EndsWith("Pictures and files.md", StringComparison.Ordinal));
        var folder = transcript.FullName[..transcript.FullName.LastIndexOf('/')];
        string markdown;
        using (var reader = new StreamReader(transcript.Open())) markdown = await reader.ReadToEndAsync();

        var links = MarkdownLinks().Matches(markdown).Select(m => (Image: m.Groups[1].Value == "!", Text: m.Groups[2].Value, Target: Uri.UnescapeDataString(m.Groups[3].Value))).ToList();
        Assert.Contains(links, l => l is { Image: true, Text: "cat photo.png" });
        Assert.Contains(links, l => l is { Image: true, Text: "스크린샷 2026.png" });
        Assert.Contains(links, l => l is { Image: false, Text: PdfName });
        Assert.Contains("- Attachment (image): image (not in the export)", markdown, StringComparison.Ordinal);
        foreach (var link in links)
        {
            Assert.StartsWith("files/", link.Target, StringComparison.Ordinal);
            var entry = zip.GetEntry($"{folder}/{link.Target}");
            Assert.True(entry is not null, $"{link.Target} is not in the ZIP beside {transcript.FullName}");
        }
        var cat = zip.GetEntry($"{folder}/{links.First(l => l.Text == "cat photo.png").Target}")!;
        using var bytes = new MemoryStream();
        await using (var stream = cat.Open()) await stream.CopyToAsync(bytes);
        Assert.Equal(Files.Single(f => f.Path.EndsWith("cat photo.png", StringComparison.Ordinal)).Content, bytes.ToArray());

        var tools = zip.Entries.Single(e => e.FullName.EndsWith("Draw a lighthouse.md", StringComparison.Ordinal));
        using (var reader = new StreamReader(tools.Open())) markdown = await reader.ReadToEndAsync();
        Assert.Contains("## DALL·E (prompt)", markdown, StringComparison.Ordinal);
        Assert.Contains(DallePrompt, markdown, StringComparison.Ordinal);
        Assert.DoesNotContain("DALL·E displayed", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingTheJobDeletesItsFiles()
    {
        var session = Guid.NewGuid().ToString("N");
        using var client = export.App.CreateSessionClient(session);
        var jobId = await UploadedExport.UploadAsync(export.App, client, export.Zip);
        var folder = Path.Combine(export.App.DataDirectory, "attachments", jobId);
        Assert.Equal(Files.Count - 1, Directory.GetFiles(folder).Length);
        var link = Link(Message(await client.PageAsync($"/jobs/{jobId}/conversations/0"), "pictures-m1"));

        using var deleted = await client.PostFormAsync($"/jobs/{jobId}/delete");

        Assert.Equal(HttpStatusCode.Found, deleted.StatusCode);
        Assert.False(Directory.Exists(folder));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(new Uri(link, UriKind.Relative))).StatusCode);
        await using var db = export.App.Db();
        Assert.Empty(db.Attachments.Where(a => a.JobId == jobId));
    }

    [Fact]
    public async Task AFileThatBreaksTheZipLimitsIsLeftOutWithAWarningAndTheRestIsKept()
    {
        var path = Path.Combine(Path.GetTempPath(), $"chatorg-bomb-{Guid.NewGuid():N}.zip");
        await File.WriteAllBytesAsync(path, export.Zip);
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            // Two megabytes of zeros deflate about a thousandfold: past Export:MaxCompressionRatio (100).
            await using var entry = await zip.CreateEntry("file-Bomb1-zeros.png", CompressionLevel.SmallestSize).OpenAsync();
            await entry.WriteAsync(new byte[2 * 1024 * 1024]);
        }
        var session = Guid.NewGuid().ToString("N");
        using var client = export.App.CreateSessionClient(session);

        var jobId = await UploadedExport.UploadAsync(export.App, client, await File.ReadAllBytesAsync(path));
        File.Delete(path);

        await using var db = export.App.Db();
        Assert.Equal(Files.Count - 1, db.Attachments.Count(a => a.JobId == jobId));
        Assert.DoesNotContain(db.Attachments.Where(a => a.JobId == jobId), a => a.ExportPath.Contains("Bomb1", StringComparison.Ordinal));
        var warning = Assert.Single(db.JobLog.Where(e => e.JobId == jobId && e.Level == JobLogLevel.Warning));
        Assert.StartsWith("The export's file file-Bomb1-zeros.png could not be kept", warning.Message, StringComparison.Ordinal);
        Assert.Equal(3, Images().Count(await client.PageAsync($"/jobs/{jobId}/conversations/0")));
    }

    // The <li> of one message, from its id to the next message's.
    private static string Message(string html, string nodeId)
    {
        var start = html.IndexOf($"id=\"m-{nodeId}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No message {nodeId} on the page.");
        start = html.LastIndexOf("<li", start, StringComparison.Ordinal);
        var end = html.IndexOf("<li class=\"message", start + 3, StringComparison.Ordinal);
        return html[start..(end < 0 ? html.IndexOf("</ol>", start, StringComparison.Ordinal) : end)];
    }

    private static string Link(string html) => Images().Match(html).Groups["src"].Value;

    [GeneratedRegex("<img src=\"(?<src>/jobs/[^\"]+/files/\\d+)\" alt=\"(?<alt>[^\"]*)\" loading=\"lazy\" decoding=\"async\" width=\"(?<width>\\d+)\" height=\"(?<height>\\d+)\" />")]
    private static partial Regex Images();

    [GeneratedRegex("<a class=\"attachment-file\" href=\"(?<href>[^\"]+)\" download=\"[^\"]*\">(?<name>[^<]*)</a>")]
    private static partial Regex FileLinks();

    [GeneratedRegex("<span class=\"tool-label\">([^<]+)</span> <span class=\"tool-part\">([^<]+)</span>")]
    private static partial Regex LabelOf();

    [GeneratedRegex(@"(!?)\[([^\]]+)\]\(([^)]+)\)")]
    private static partial Regex MarkdownLinks();

    // The app, with the export uploaded once through the upload page as a month job (no model) and read to the end.
    public sealed class UploadedExport : IAsyncLifetime
    {
        private readonly TempExportFolder _folder = new();
        private readonly string _session = Guid.NewGuid().ToString("N");

        public ChatOrganizerApp App { get; } = new();
        public byte[] Zip { get; private set; } = [];
        public string JobId { get; private set; } = "";

        public HttpClient Client() => App.CreateSessionClient(_session);

        public async Task<string> PageAsync(int index)
        {
            using var client = Client();
            return await client.PageAsync($"/jobs/{JobId}/conversations/{index}");
        }

        public async Task InitializeAsync()
        {
            Zip = await File.ReadAllBytesAsync(WriteZip(_folder.File("export.zip"), Korean()));
            using var client = Client();
            JobId = await UploadAsync(App, client, Zip);
        }

        public static async Task<string> UploadAsync(ChatOrganizerApp app, HttpClient client, byte[] zip)
        {
            using var form = PageClient.UploadForm(zip, await client.TokenAsync("/"), "export.zip", ("mode", "month"));
            using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);
            Assert.True(response.StatusCode == HttpStatusCode.Found, $"The upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var jobId = response.Headers.Location!.OriginalString.Split('/')[^1];
            var job = await app.WaitForAsync(jobId, j => j.Status is JobStatus.Done or JobStatus.Failed);
            Assert.True(job.Status == JobStatus.Done, $"The job ended {job.Status}: {job.FailureReason}");
            return jobId;
        }

        public Task DisposeAsync()
        {
            App.Dispose();
            _folder.Dispose();
            return Task.CompletedTask;
        }
    }
}
