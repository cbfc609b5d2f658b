using System.Text;
using System.Text.Json.Nodes;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

// ExportReader.ReadConversationAsync: one conversation read again from where a whole read found it gives what that
// read gave, from a JSON upload and from each shard of a ZIP, without reading the rest.
public class ConversationReadAgainTests
{
    private static JsonObject[] Conversations(string prefix)
    {
        var conversations = new[]
        {
            ExportJson.Conversation($"{prefix}-0", "주식투자 노트", "콜옵션이 뭐야?", "**콜옵션(Call Option)**은 권리입니다."),
            ExportJson.Conversation($"{prefix}-1", "Deploy notes"),
            ExportJson.Conversation($"{prefix}-2", "東京の天気", "明日の天気は?", "晴れです。"),
        };
        conversations[1]["current_node"] = "nowhere"; // a warning, read again the same
        return conversations;
    }

    [Fact]
    public async Task EachConversationOfAJsonUploadIsReadAgainAtItsBytesAsTheWholeReadGaveIt()
    {
        using var folder = new TempExportFolder();
        // Indented, as some tools write it: the bytes between conversations are whitespace too.
        var json = new JsonArray([.. Conversations("j")]).ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        var path = folder.Write("conversations.json", json);

        // Out of order: each is found by its own bytes.
        var (whole, again) = await ReadEachAgainAsync(path, "conversations.json", lastFirst: true);

        Assert.Equal(whole.Select(Facts), again.Select(c => Facts(c!)));
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.All(whole, c => Assert.Equal((byte)'{', bytes[c.Location.Offset]));
        Assert.All(whole, c => Assert.Equal((byte)'}', bytes[c.Location.Offset + c.Location.Length - 1]));
        Assert.Contains(whole[1].Diagnostics, d => d.Describe().Contains("nowhere", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AJsonUploadWithAByteOrderMarkIsReadAgainAtTheSameBytes()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(new JsonArray([.. Conversations("bom")]).ToJsonString())]);

        var (whole, again) = await ReadEachAgainAsync(path, "conversations.json");

        Assert.Equal(4L, whole[0].Location.Offset);
        Assert.Equal(whole.Select(Facts), again.Select(c => Facts(c!)));
    }

    [Fact]
    public async Task EachConversationOfAChatHtmlIsReadAgainFromThePage()
    {
        using var folder = new TempExportFolder();
        var page = $"<!DOCTYPE html><html><head><title>ChatGPT Data Export</title></head><body><script>\nvar jsonData = {new JsonArray([.. Conversations("h")]).ToJsonString()};\n</script></body></html>";
        var path = folder.Write("chat.html", page);

        var (whole, again) = await ReadEachAgainAsync(path, "chat.html");

        Assert.Equal(3, whole.Count);
        Assert.Equal(whole.Select(Facts), again.Select(c => Facts(c!)));
    }

    [Fact]
    public async Task EachConversationOfAZipsShardsIsReadAgainFromItsShard()
    {
        using var folder = new TempExportFolder();
        var path = folder.WriteZip("export.zip",
            ("conversations-000.json", new JsonArray([.. Conversations("a")]).ToJsonString()),
            ("conversations-001.json", new JsonArray([.. Conversations("b")]).ToJsonString()));

        var (whole, again) = await ReadEachAgainAsync(path, "export.zip");

        Assert.Equal(6, whole.Count);
        Assert.Equal(["conversations-000.json", "conversations-001.json"], whole.Select(c => c.Location.File).Distinct());
        Assert.Equal(whole.Select(Facts), again.Select(c => Facts(c!)));
    }

    [Fact]
    public async Task AConversationSkippedForALimitOrAFileTheExportLacksGivesNothing()
    {
        using var folder = new TempExportFolder();
        var large = ExportJson.Conversation("big", "Big", new string('x', 5_000));
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("small", "Small"), large));
        var options = new ExportReaderOptions { MaxStringBytes = 1_000 };
        List<Conversation> whole;
        await using (var first = await ExportReader.OpenAsync(path, options))
        {
            whole = await ExportFixtures.ReadAllAsync(first);
        }

        await using var file = File.OpenRead(path);
        await using var reader = await ExportReader.OpenAsync(file, "conversations.json", options);

        Assert.Equal((null, 0L), (whole[1].Id, whole[1].Location.Length));
        Assert.Null(await reader.ReadConversationAsync(whole[1].Location));
        Assert.Null(await reader.ReadConversationAsync(whole[0].Location with { File = "conversations-007.json" }));
        Assert.Equal("Small", (await reader.ReadConversationAsync(whole[0].Location))?.Title);
    }

    // The upload read whole, then each of its conversations again by its location, with a reader of its own.
    private static async Task<(List<Conversation> Whole, List<Conversation?> Again)> ReadEachAgainAsync(string path, string name, bool lastFirst = false)
    {
        List<Conversation> whole;
        await using (var first = File.OpenRead(path))
        await using (var reader = await ExportReader.OpenAsync(first, name))
        {
            whole = await ExportFixtures.ReadAllAsync(reader);
        }
        await using var file = File.OpenRead(path);
        await using var again = await ExportReader.OpenAsync(file, name);
        var read = new Conversation?[whole.Count];
        foreach (var i in lastFirst ? Enumerable.Range(0, whole.Count).Reverse() : Enumerable.Range(0, whole.Count))
        {
            read[i] = await again.ReadConversationAsync(whole[i].Location);
        }
        return (whole, [.. read]);
    }

    private static string Facts(Conversation c) => string.Join(" | ",
        c.Location, c.Location.Offset, c.Location.Length, c.Id, c.Title, c.CreateTime, c.Model,
        string.Join(";", c.Tree.ActivePath), string.Join(";", c.ActiveMessages.Select(m => $"{m.Id}:{m.Role}:{m.Text}")),
        string.Join(";", c.Diagnostics.Select(d => d.Describe())));
}
