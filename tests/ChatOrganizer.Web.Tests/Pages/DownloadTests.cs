using System.IO.Compression;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class DownloadTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheCsvHasAColumnPerFactARowPerConversationAndNoFormulaCells()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session, hostileTitle: "@SUM(A1:A9)");
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.GetAsync(new Uri($"/jobs/{job.Id}/download.csv", UriKind.Relative));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var lines = Encoding.UTF8.GetString(bytes).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        Assert.Equal("index,id,title,created,month,year,messages,model,category,status,engine,failure_reason,confidence,reason,corrected,engine_category", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.Equal("0,a,\"'@SUM(A1:A9)\",2024-01-15T12:00:00Z,2024-01,2024,2,gpt-4o,Cooking,categorized,model,,,,false,Cooking", lines[1]);
        Assert.StartsWith("3,d,\"'=HYPERLINK(\"\"http://evil.example\"\")\",", lines[4], StringComparison.Ordinal);
        Assert.EndsWith(",failed,model,The model left it out three times.,,,false,", lines[4], StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheJsonHoldsTheJobAndEveryConversationWithItsResult()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.GetAsync(new Uri($"/jobs/{job.Id}/download.json", UriKind.Relative));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStreamAsync());

        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(job.Id, json.RootElement.GetProperty("job").GetProperty("id").GetString());
        Assert.Equal("done", json.RootElement.GetProperty("job").GetProperty("status").GetString());
        var conversations = json.RootElement.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal(["Cooking", "Cooking", "Travel", null], conversations.Select(c => c.GetProperty("category").GetString()));
        Assert.Equal("failed", conversations[3].GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheZipOfAMonthJobStillPreparingWaitsForItsTranscriptsAndHoldsThemAll()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month, change: j => { j.Read = 2; j.Prepared = 1; });
        await fixture.App.StoreAsync(job.Id, 0, PageSeed.Chat("a", "Sourdough starter"));
        await fixture.App.AddAsync(new StoredConversation { JobId = job.Id, Index = 1, ConversationId = "b", Title = "서울 여행", MessageCount = 2 });
        using var client = fixture.App.CreateSessionClient(_session);

        var download = client.GetByteArrayAsync(new Uri($"/jobs/{job.Id}/transcripts.zip", UriKind.Relative));
        await Task.Delay(300);
        Assert.False(download.IsCompleted);
        // As the second pass stores the rest: the transcript, then the count.
        await fixture.App.AddAsync(new ConversationTranscript { JobId = job.Id, Index = 1, Content = Results.TranscriptDocument.From(PageSeed.Chat("b", "서울 여행")).Compress() });
        await using (var db = fixture.App.Db())
        {
            await db.Jobs.Where(j => j.Id == job.Id).ExecuteUpdateAsync(s => s.SetProperty(j => j.Prepared, 2));
        }
        using var zip = new ZipArchive(new MemoryStream(await download), ZipArchiveMode.Read);

        Assert.Equal(2, zip.Entries.Count(e => e.FullName.EndsWith(".md", StringComparison.Ordinal)));
        Assert.Contains(zip.Entries, e => e.FullName.Contains("서울 여행", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheZipHasOneFolderPerCategoryWithSafeUniqueMarkdownFiles()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session, hostileTitle: "../../etc/passwd");
        await fixture.App.StoreAsync(job.Id, 4, PageSeed.Chat("e", "Sourdough starter", answer: "Feed it daily."), "Cooking");
        await fixture.App.StoreAsync(job.Id, 5, PageSeed.Chat("f", "CON"), "A/B: \"odd\"?");
        await fixture.App.StoreAsync(job.Id, 6, PageSeed.Chat("g", "Also odd"), "A_B_ _odd__");
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.GetAsync(new Uri($"/jobs/{job.Id}/transcripts.zip", UriKind.Relative));
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);
        var names = zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToList();

        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
        [
            "A_B_ _odd__ (2)/00007 Also odd.md",
            "A_B_ _odd__/00006 _CON.md",
            "Cooking/00001 _.._etc_passwd.md",
            "Cooking/00002 Sourdough starter.md",
            "Cooking/00005 Sourdough starter.md",
            "Not categorized/00004 =HYPERLINK(_http___evil.example_).md",
            "Travel/00003 A week in Rome.md",
        ], names);
        Assert.All(zip.Entries, e => Assert.Equal(2, e.FullName.Split('/').Length));
        using var reader = new StreamReader(zip.GetEntry("Cooking/00005 Sourdough starter.md")!.Open());
        var markdown = await reader.ReadToEndAsync();
        Assert.StartsWith("# Sourdough starter", markdown, StringComparison.Ordinal);
        Assert.Contains("## You", markdown, StringComparison.Ordinal);
        Assert.Contains("Feed it daily.", markdown, StringComparison.Ordinal);
        Assert.Contains("- Category: Cooking", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AJobGroupedByMonthZipsOneFolderPerMonth()
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.StoreAsync(job.Id, 0, PageSeed.Chat("x", "Spring"), created: new DateTime(2024, 4, 2, 0, 0, 0, DateTimeKind.Utc));
        await fixture.App.StoreAsync(job.Id, 1, PageSeed.Chat("y", "Summer"), created: new DateTime(2024, 7, 9, 0, 0, 0, DateTimeKind.Utc));
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.GetAsync(new Uri($"/jobs/{job.Id}/transcripts.zip", UriKind.Relative));
        using var zip = new ZipArchive(await response.Content.ReadAsStreamAsync(), ZipArchiveMode.Read);

        Assert.Equal(["2024-04/00001 Spring.md", "2024-07/00002 Summer.md"], zip.Entries.Select(e => e.FullName));
    }
}
