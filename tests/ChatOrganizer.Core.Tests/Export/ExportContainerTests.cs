using System.Text;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class ExportContainerTests
{
    private static readonly string Shard2 = ExportJson.Array(ExportJson.Conversation("third", "Third"));
    private static readonly string Shard10 = ExportJson.Array(ExportJson.Conversation("fourth", "Fourth"));
    private static readonly string Shard0 = ExportJson.Array(ExportJson.Conversation("first", "First"), ExportJson.Conversation("second", "Second"));

    [Fact]
    public async Task AnExportFolderIsReadFromItsConversationsJson()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", Shard0);
        folder.Write("chat.html", "<script>var jsonData = [];</script>");

        await using var reader = await ExportReader.OpenAsync(folder.Path);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(["first", "second"], conversations.Select(c => c.Id));
        Assert.Equal(["conversations.json"], reader.ConversationFiles);
    }

    [Fact]
    public async Task SplitShardsAreReadInNumericOrderAndNumberedAcrossShards()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations-10.json", Shard10);
        folder.Write("conversations-2.json", Shard2);
        folder.Write("conversations-0.json", Shard0);

        await using var reader = await ExportReader.OpenAsync(folder.Path);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(["first", "second", "third", "fourth"], conversations.Select(c => c.Id));
        Assert.Equal([0, 1, 2, 3], conversations.Select(c => c.Location.Index));
        Assert.Equal(["conversations-0.json", "conversations-0.json", "conversations-2.json", "conversations-10.json"], conversations.Select(c => c.Location.File));
        Assert.Empty(reader.Diagnostics);
    }

    [Fact]
    public async Task ShardsThatMatchTheManifestGiveNoDiagnostics()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip",
            ("conversations-000.json", Shard0),
            ("conversations-001.json", Shard2),
            ("export_manifest.json", ExportJson.Manifest(("conversations-000.json", Bytes(Shard0)), ("conversations-001.json", Bytes(Shard2)))));

        await using var reader = await ExportReader.OpenAsync(zip);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(["first", "second", "third"], conversations.Select(c => c.Id));
        Assert.Empty(reader.Diagnostics);
    }

    [Fact]
    public async Task AShardMissingExtraOrOfAnotherSizeThanTheManifestSaysIsReported()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip",
            ("conversations-000.json", Shard0),
            ("conversations-001.json", Shard2),
            ("conversations-003.json", Shard10),
            ("export_manifest.json", ExportJson.Manifest(
                ("conversations-000.json", Bytes(Shard0)),
                ("conversations-001.json", Bytes(Shard2) + 7),
                ("conversations-002.json", 1234))));

        await using var reader = await ExportReader.OpenAsync(zip);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(4, conversations.Count);
        Assert.Collection(
            reader.Diagnostics,
            d => Assert.Equal((DiagnosticSeverity.Error, $"conversations-001.json is {Bytes(Shard2):N0} bytes, but the manifest says {Bytes(Shard2) + 7:N0}; it may be damaged."), (d.Severity, d.Reason)),
            d => Assert.Equal((DiagnosticSeverity.Error, "conversations-002.json is listed in the manifest but missing from the export."), (d.Severity, d.Reason)),
            d => Assert.Equal((DiagnosticSeverity.Warning, "conversations-003.json is not listed in the manifest; it was read anyway."), (d.Severity, d.Reason)));
        Assert.All(reader.Diagnostics, d => Assert.Equal("export_manifest.json", d.File));
    }

    [Fact]
    public async Task ChatHtmlIsReadWhenTheExportHasNoConversationsJson()
    {
        using var folder = new TempExportFolder();
        folder.Write("chat.html", File.ReadAllText(ExportFixtures.Path("chat.html")));
        folder.Write("user.json", """{"id": "user-1"}""");

        await using var reader = await ExportReader.OpenAsync(folder.Path);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        var conversation = Assert.Single(conversations);
        Assert.Equal(("html-1", "From chat.html"), (conversation.Id, conversation.Title));
        Assert.Equal(["question", "answer"], conversation.Tree.ActivePath);
        Assert.Equal(("chat.html", 0), (conversation.Location.File, conversation.Location.Index));
        Assert.Equal(["chat.html"], reader.ConversationFiles);
    }

    [Fact]
    public async Task AChatHtmlFileCanBeGivenOnItsOwn()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("chat.html"));

        Assert.Equal("It is; the data sits in the page's script.", Assert.Single(conversations).ActiveMessages.Last().Text);
    }

    [Fact]
    public async Task AJsonFileOfAnyNameIsReadAsTheConversationsFile()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("my-backup.json", Shard0);

        Assert.Equal(2, (await ExportFixtures.ReadAllAsync(path)).Count);
    }

    [Fact]
    public async Task ANonSeekableZipUploadIsSpooledToATempFileThatIsDeletedOnDispose()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip", ("conversations.json", Shard0));
        var spoolsBefore = Spools();

        List<Conversation> conversations;
        await using (var upload = new NonSeekableStream(File.OpenRead(zip)))
        {
            await using var reader = await ExportReader.OpenAsync(upload, "export.zip");
            Assert.Single(Spools().Except(spoolsBefore));
            conversations = await ExportFixtures.ReadAllAsync(reader);
        }

        Assert.Equal(2, conversations.Count);
        Assert.Empty(Spools().Except(spoolsBefore));
    }

    [Fact]
    public async Task ANonSeekableJsonUploadIsReadStraightFromTheStream()
    {
        await using var upload = new NonSeekableStream(new MemoryStream(Encoding.UTF8.GetBytes(Shard0)));

        await using var reader = await ExportReader.OpenAsync(upload, "conversations.json");
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(["first", "second"], conversations.Select(c => c.Id));
        await Assert.ThrowsAsync<InvalidOperationException>(() => ExportFixtures.ReadAllAsync(reader));
    }

    [Fact]
    public async Task ASeekableZipStreamIsReadInPlaceAndLeftOpen()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip", ("conversations.json", Shard0));
        await using var upload = File.OpenRead(zip);

        await using (var reader = await ExportReader.OpenAsync(upload, "upload.bin"))
        {
            Assert.Equal(2, (await ExportFixtures.ReadAllAsync(reader)).Count);
        }

        Assert.True(upload.CanRead);
    }

    [Fact]
    public async Task AZipOrFolderCanBeReadTwice()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip", ("conversations.json", Shard0));

        await using var reader = await ExportReader.OpenAsync(zip);
        var first = await ExportFixtures.ReadAllAsync(reader);
        var second = await ExportFixtures.ReadAllAsync(reader);

        Assert.Equal(first.Select(c => c.Id), second.Select(c => c.Id));
    }

    [Fact]
    public async Task AnExportZippedAgainUnderOneFolderIsReadFromThatFolder()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("rezipped.zip",
            ("My ChatGPT export/conversations.json", Shard0),
            ("My ChatGPT export/user.json", """{"id": "user-1", "chatgpt_plus_user": true}"""),
            ("My ChatGPT export/file-abc.png", "not really a picture"));

        await using var reader = await ExportReader.OpenAsync(zip);
        var conversations = await ExportFixtures.ReadAllAsync(reader);
        var sideFiles = await reader.ReadSideFilesAsync();

        Assert.Equal(["first", "second"], conversations.Select(c => c.Id));
        Assert.Equal(["conversations.json"], reader.ConversationFiles);
        Assert.Equal("user-1", sideFiles.User?.Id);
    }

    private static long Bytes(string text) => Encoding.UTF8.GetByteCount(text);

    private static string[] Spools() => Directory.GetFiles(Path.GetTempPath(), "chatorg-upload-*.zip");
}
