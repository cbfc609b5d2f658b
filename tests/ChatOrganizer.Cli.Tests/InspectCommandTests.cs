using System.Text.Json;
using System.Text.Json.Nodes;
using ChatOrganizer.Cli;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Cli.Tests;

public sealed class InspectCommandTests : IDisposable
{
    private readonly TempExportFolder _folder = new();
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task JsonFormatWritesOneLinePerConversationWithTheReferenceFields()
    {
        var regenerated = ExportJson.Conversation("c-2", "Branched");
        regenerated["mapping"]!["c-2-user"]!["children"]!.AsArray().Add("c-2-retry");
        regenerated["mapping"]!["c-2-retry"] = ExportJson.Node("c-2-retry", ExportJson.Message("c-2-retry", "assistant", "Again.", 1_700_000_009), "c-2-user");
        regenerated.Remove("create_time");
        var path = _folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("c-1", "Plain"), regenerated));

        var exit = await RunAsync("inspect", path, "--format", "json");

        Assert.Equal(CliApp.Ok, exit);
        var lines = Lines(_stdout).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Equal(0, lines[0].GetProperty("index").GetInt32());
        Assert.Equal("c-1", lines[0].GetProperty("id").GetString());
        Assert.Equal("Plain", lines[0].GetProperty("title").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", lines[0].GetProperty("create_time").GetString());
        Assert.Equal(["c-1-user", "c-1-answer"], lines[0].GetProperty("active_path").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, lines[0].GetProperty("branch_points").GetInt32());
        Assert.Equal(JsonValueKind.Null, lines[1].GetProperty("create_time").ValueKind);
        Assert.Equal(1, lines[1].GetProperty("branch_points").GetInt32());
        Assert.Equal(["c-2-user"], lines[1].GetProperty("branch_point_ids").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task JsonLinesCarryTheActivePathsMessagesAndTheConversationsDiagnostics()
    {
        var conversation = ExportJson.Conversation("c-1", "Plain");
        conversation["current_node"] = "gone";
        var path = _folder.Write("conversations.json", ExportJson.Array(conversation));

        await RunAsync("inspect", path, "--format", "json");

        var line = JsonDocument.Parse(Assert.Single(Lines(_stdout))).RootElement;
        var messages = line.GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(["user", "assistant"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Use logrotate.", messages[1].GetProperty("text").GetString());
        Assert.False(messages[1].GetProperty("hidden").GetBoolean());
        var diagnostic = Assert.Single(line.GetProperty("diagnostics").EnumerateArray());
        Assert.Equal("warning", diagnostic.GetProperty("severity").GetString());
        Assert.Equal("$.current_node", diagnostic.GetProperty("json_path").GetString());
    }

    [Fact]
    public async Task JsonFormatKeepsStdoutForJsonLinesAndPutsTheSummaryAndDiagnosticsOnStderr()
    {
        var path = _folder.Write("conversations.json", """[{"title": "No mapping", "id": "c-1"}]""");

        var exit = await RunAsync("inspect", path, "--format=json");

        Assert.Equal(CliApp.Ok, exit);
        Assert.NotEmpty(Lines(_stdout));
        Assert.All(Lines(_stdout), l => Assert.StartsWith("{", l, StringComparison.Ordinal));
        Assert.Contains("warning: conversations.json #0 (c-1) at $.mapping:", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("conversations: 1 (1 without messages", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TextFormatSummarizesCountsDatesContentTypesBranchesAndDiagnostics()
    {
        var path = _folder.Write("conversations.json", ExportJson.Array(
            ExportJson.Conversation("c-1", "One"),
            ExportJson.Conversation("c-2", "Two"),
            JsonNode.Parse("""{"title": "Folder", "id": "c-3"}""")!));

        var exit = await RunAsync("inspect", path);

        Assert.Equal(CliApp.Ok, exit);
        var summary = _stdout.ToString();
        Assert.Contains("conversations: 3 (1 without messages", summary, StringComparison.Ordinal);
        Assert.Contains("dates: 2023-11-14 to 2023-11-14 (UTC)", summary, StringComparison.Ordinal);
        Assert.Contains("messages: 4 on active paths (0 hidden)", summary, StringComparison.Ordinal);
        Assert.Contains("content types: text 4", summary, StringComparison.Ordinal);
        Assert.Contains("branches: 0 branch points in 0 conversations", summary, StringComparison.Ordinal);
        Assert.Contains("diagnostics: 1 warnings, 0 errors", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DamagedConversationsStillExitZero()
    {
        var path = _folder.Write("conversations.json", """[42, {"title": "Bad time", "create_time": "noon", "id": "c-1"}]""");

        var exit = await RunAsync("inspect", path, "--format", "json");

        Assert.Equal(CliApp.Ok, exit);
        Assert.Equal(2, Lines(_stdout).Count);
        Assert.Contains("error: conversations.json #0 at $: The conversation is a number, not an object", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATruncatedExportExitsTwoAfterTheConversationsBeforeTheDamage()
    {
        var whole = ExportJson.Array(ExportJson.Conversation("c-1", "One"), ExportJson.Conversation("c-2", "Two"));
        var path = _folder.Write("conversations.json", whole[..whole.IndexOf("\"Two\"", StringComparison.Ordinal)]);

        var exit = await RunAsync("inspect", path, "--format", "json");

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Equal("c-1", JsonDocument.Parse(Assert.Single(Lines(_stdout))).RootElement.GetProperty("id").GetString());
        Assert.Contains("in the middle of conversation #1", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InputThatIsNotJsonExitsTwoSayingWhere()
    {
        var path = _folder.Write("conversations.json", "<html><body>Sign in</body></html>");

        var exit = await RunAsync("inspect", path);

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("is not valid JSON: '<' where a JSON array '[' should begin at byte 0", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathThatDoesNotExistExitsTwo()
    {
        var exit = await RunAsync("inspect", _folder.File("missing.zip"));

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("does not exist", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("--format", "json")]
    [InlineData("export.zip", "--format", "yaml")]
    [InlineData("export.zip", "--format")]
    [InlineData("export.zip", "other.zip")]
    [InlineData("export.zip", "--verbose")]
    public async Task WrongArgumentsAreAUsageError(params string[] args)
    {
        var exit = await RunAsync(["inspect", .. args]);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("Usage:\n  chatorg inspect [<PATH>] [options]", _stderr.ToString().ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Empty(_stdout.ToString());
    }

    [Fact]
    public async Task AnExportZipIsInspectedWithItsSideFiles()
    {
        var zip = _folder.WriteZip("export.zip",
            ("conversations.json", ExportJson.Array(ExportJson.Conversation("c-1", "One"))),
            ("user.json", """{"id": "user-1", "chatgpt_plus_user": true}"""),
            ("shared_conversations.json", """[{"id": "s-1", "conversation_id": "c-1", "title": "One", "is_anonymous": true}]"""));

        var exit = await RunAsync("inspect", zip);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Contains("side files: user user-1 (Plus), 1 shared conversations", _stdout.ToString(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _folder.Dispose();
        _stdout.Dispose();
        _stderr.Dispose();
    }

    private Task<int> RunAsync(params string[] args) => CliApp.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    private static List<string> Lines(StringWriter writer) =>
        writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
