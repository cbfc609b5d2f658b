using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class SideFileTests
{
    private static readonly string Conversations = ExportJson.Array(ExportJson.Conversation("c-1", "One"));

    [Fact]
    public async Task SideFilesAreReadIntoSummaries()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", Conversations);
        folder.Write("user.json", """{"id": "user-abc", "email": "someone@example.invalid", "chatgpt_plus_user": true, "phone_number": "+10000000000"}""");
        folder.Write("message_feedback.json", """
            [{"id": "f1", "conversation_id": "c-1", "rating": "thumbsUp", "content": "{}"},
             {"id": "f2", "conversation_id": "c-1", "rating": "thumbsDown", "content": "{\"text\": \"too long\"}"},
             {"id": "f3", "conversation_id": "c-9", "rating": "thumbsUp"}]
            """);
        folder.Write("model_comparisons.json", """[{"id": "m1", "content": {"input": {"prompt_convo": {"messages": [{"content": {"parts": ["A", "B"]}}]}}}}, {"id": "m2"}]""");
        folder.Write("shared_conversations.json", """[{"id": "share-1", "conversation_id": "c-1", "title": "One", "is_anonymous": true}]""");

        await using var reader = await ExportReader.OpenAsync(folder.Path);
        var sideFiles = await reader.ReadSideFilesAsync();

        Assert.Equal(new UserSummary("user-abc", true), sideFiles.User);
        Assert.Equal(3, sideFiles.MessageFeedback!.Count);
        Assert.Equal(new FeedbackCounts(1, 1, 0), sideFiles.MessageFeedback.ByConversation["c-1"]);
        Assert.Equal(new FeedbackCounts(1, 0, 0), sideFiles.MessageFeedback.ByConversation["c-9"]);
        Assert.Equal(2, sideFiles.ModelComparisonCount);
        Assert.Equal([new SharedConversation("share-1", "c-1", "One", true)], sideFiles.SharedConversations!);
        Assert.Empty(reader.Diagnostics);
    }

    [Fact]
    public async Task SideFilesTheExportLacksAreNull()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", Conversations);

        await using var reader = await ExportReader.OpenAsync(folder.Path);

        Assert.Equal(ExportSideFiles.None, await reader.ReadSideFilesAsync());
    }

    [Fact]
    public async Task ADamagedSideFileIsADiagnosticAndTheOthersAreStillRead()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", Conversations);
        folder.Write("message_feedback.json", """[{"id": "f1", "conversation_id": "c-1", "rating": "thumbsUp"}, {"id": """);
        folder.Write("user.json", """{"id": "user-abc"}""");

        await using var reader = await ExportReader.OpenAsync(folder.Path);
        var sideFiles = await reader.ReadSideFilesAsync();

        Assert.Equal(new UserSummary("user-abc", null), sideFiles.User);
        Assert.Equal(1, sideFiles.MessageFeedback!.Count);
        var error = Assert.Single(reader.Diagnostics);
        Assert.Equal(("message_feedback.json", DiagnosticSeverity.Error), (error.File, error.Severity));
        Assert.Contains("truncated", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachmentsAreNamedFromTheAssetFileNameMap()
    {
        // 2026 exports store uploads as file_<id>.dat and map them to their original names.
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", File.ReadAllText(ExportFixtures.Path("content-types.json")));
        folder.Write("file_00000000aa11-7d1c.dat", [1, 2, 3]);
        folder.Write("conversation_asset_file_names.json", """{"file_00000000aa11-7d1c.dat": "beach.jpg"}""");

        var conversations = await ExportFixtures.ReadAllAsync(folder.Path);

        var message = conversations[0].Message("multimodal");
        Assert.Equal("beach.jpg", Assert.Single(message.Attachments).Name);
        Assert.StartsWith("[image: beach.jpg]", message.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AttachmentsAreNamedFromTheFilesOfOlderExports()
    {
        // Until 2025 uploads sit at the export's root as file-<id>-<original name>.
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip",
            ("conversations.json", File.ReadAllText(ExportFixtures.Path("content-types.json")).Replace("sediment://file_00000000aa11", "file-service://file-Xy12Ab", StringComparison.Ordinal)),
            ("file-Xy12Ab-holiday photo.png", "png bytes"),
            ("dalle-generations/file-Qq99-generated.webp", "webp bytes"));

        var conversations = await ExportFixtures.ReadAllAsync(zip);

        Assert.Equal("file-Xy12Ab-holiday photo.png", Assert.Single(conversations[0].Message("multimodal").Attachments).Name);
        Assert.Null(Assert.Single(conversations[0].Message("voice").Attachments).Name);
    }
}
