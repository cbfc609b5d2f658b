using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class ExportCheckTests
{
    [Fact]
    public async Task ASoundExportIsCountedAcrossShardsWithNothingBroken()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip",
            ("conversations-000.json", ExportJson.Array(ExportJson.Conversation("a", "A"), ExportJson.Conversation("b", "B"))),
            ("conversations-001.json", ExportJson.Array(ExportJson.Conversation("c", "C"))));

        await using var reader = await ExportReader.OpenAsync(zip);
        var check = await reader.CheckAsync();

        Assert.Equal(3, check.Conversations);
        Assert.Empty(check.LimitsBroken);
    }

    [Fact]
    public async Task TheCheckFindsWhatReadingWouldSkipAndNamesTheConversation()
    {
        using var folder = new TempExportFolder();
        var options = new ExportReaderOptions { MaxStringBytes = 1000, MaxDepth = 12 };
        var deep = ExportJson.Conversation("deep", "Deep").ToJsonString().Replace(
            "\"current_node\"", $"\"x\":{new string('[', 40)}{new string(']', 40)},\"current_node\"", StringComparison.Ordinal);
        var path = folder.Write("conversations.json", $"[{ExportJson.Conversation("ok", "Fine").ToJsonString()}," +
            $"{ExportJson.Conversation("huge", "Huge", answer: new string('x', 5000)).ToJsonString()},{deep}]");

        await using var reader = await ExportReader.OpenAsync(path, options);
        var check = await reader.CheckAsync();

        Assert.Equal(3, check.Conversations);
        Assert.Equal([1, 2], check.LimitsBroken.Select(d => d.Index));
        Assert.Contains("string longer than 1,000 bytes", check.LimitsBroken[0].Reason, StringComparison.Ordinal);
        Assert.Contains("deeper than 12 levels", check.LimitsBroken[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATitleOverTheLimitIsCaughtToo()
    {
        using var folder = new TempExportFolder();
        var options = new ExportReaderOptions { MaxStringBytes = 100 };
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("t", new string('T', 500))));

        await using var reader = await ExportReader.OpenAsync(path, options);
        var check = await reader.CheckAsync();

        Assert.Equal(0, Assert.Single(check.LimitsBroken).Index);
    }

    [Fact]
    public async Task ElementsThatAreNotObjectsAreCountedApart()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", $"[1, \"two\", [3], {ExportJson.Conversation("c", "C").ToJsonString()}]");

        await using var reader = await ExportReader.OpenAsync(path);
        var check = await reader.CheckAsync();

        Assert.Equal((1, 3), (check.Conversations, check.NotConversations));
    }

    [Theory]
    [InlineData("[{\"id\": \"a\", \"mapping\": {}}, {\"id\": \"b\", \"title\": \"cut off", "truncated")]
    [InlineData("[{\"id\": \"a\"} {\"id\": \"b\"}]", "where ',' or ']' should follow")]
    [InlineData("{\"conversations\": []}", "holds a JSON object")]
    public async Task AnUnreadableExportStopsTheCheckWithTheReadersSentence(string json, string expected)
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", json);

        await using var reader = await ExportReader.OpenAsync(path);
        var error = await Assert.ThrowsAsync<ExportFormatException>(() => reader.CheckAsync());

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }
}
