using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class AttachmentReadingTests
{
    private static async Task<(List<Conversation> Conversations, IReadOnlyList<ExportFile> Files)> ReadZipAsync()
    {
        using var folder = new TempExportFolder();
        var zip = AttachmentExport.WriteZip(folder.File("export.zip"));
        await using var reader = await ExportReader.OpenAsync(zip);
        return (await ExportFixtures.ReadAllAsync(reader), reader.AttachmentFiles);
    }

    private static Attachment Only(Conversation conversation, string nodeId) =>
        Assert.Single(conversation.Message(nodeId).Attachments);

    [Fact]
    public async Task AFileServicePointerFindsTheRootFileNamedByItsIdAndTheNameThePersonGave()
    {
        var (conversations, _) = await ReadZipAsync();

        var cat = Only(conversations.Single(AttachmentExport.PicturesId), "pictures-m1");
        Assert.Equal(("image", "file-Old1Cat-cat photo.png", "cat photo.png"), (cat.Kind, cat.File, cat.Name));
    }

    [Fact]
    public async Task ASedimentPointerFindsAnImageInAUserFolder()
    {
        var (conversations, _) = await ReadZipAsync();

        var image = Only(conversations.Single(AttachmentExport.PicturesId), "pictures-m3");
        Assert.Equal("user-u1abc/file_00000000new2-7f3a9c.png", image.File);
    }

    [Fact]
    public async Task ADatFileIsNamedByConversationAssetFileNames()
    {
        var (conversations, _) = await ReadZipAsync();

        var image = Only(conversations.Single(AttachmentExport.PicturesId), "pictures-m5");
        Assert.Equal(("file_00000000dat3.dat", "스크린샷 2026.png"), (image.File, image.Name));
    }

    [Fact]
    public async Task APointerTheExportLeftOutHasNoFile()
    {
        var (conversations, _) = await ReadZipAsync();

        var missing = Only(conversations.Single(AttachmentExport.PicturesId), "pictures-m7");
        Assert.Equal(("image", "sediment://file_00000000gone4", null), (missing.Kind, missing.AssetPointer, missing.File));
    }

    [Fact]
    public async Task AFileOnlyUserMessageKeepsItsUploadAsAnAttachment()
    {
        var (conversations, _) = await ReadZipAsync();

        var message = conversations.Single(AttachmentExport.PicturesId).Message("pictures-m9");
        var pdf = Assert.Single(message.Attachments);
        Assert.Equal(("file", AttachmentExport.PdfName, "file-Pdf5Doc-" + AttachmentExport.PdfName, "application/pdf"), (pdf.Kind, pdf.Name, pdf.File, pdf.MimeType));
        Assert.Equal($"[file: {AttachmentExport.PdfName}]", message.Text);
        Assert.False(message.IsHidden);
    }

    [Fact]
    public async Task ADalleGenerationFindsItsFileAndTheDalleNoteIsHidden()
    {
        var (conversations, _) = await ReadZipAsync();
        var tools = conversations.Single(AttachmentExport.ToolsId);

        Assert.Equal("dalle-generations/file-Dalle8Img-2b1c4d.webp", Only(tools, "tools-m3").File);
        Assert.True(tools.Message("tools-m4").IsHidden);
        Assert.False(tools.Message("tools-m3").IsHidden);
        Assert.Equal(new ToolUse(ToolKind.ImageGeneration, "dalle.text2im", IsCall: true), tools.Message("tools-m2").Tool);
        Assert.Equal(new ToolUse(ToolKind.ImageGeneration, "dalle.text2im", IsCall: false), tools.Message("tools-m3").Tool);
    }

    [Fact]
    public async Task ACodeInterpreterChartInAggregateResultBecomesAnImage()
    {
        var (conversations, _) = await ReadZipAsync();

        var chart = Only(conversations.Single(AttachmentExport.ToolsId), "tools-m8");
        Assert.Equal(("image", "file-Chart9Plot-chart.png"), (chart.Kind, chart.File));
    }

    [Theory]
    [InlineData("tools-m7", ToolKind.CodeInterpreter, true)]
    [InlineData("tools-m8", ToolKind.CodeInterpreter, false)]
    [InlineData("tools-m9", ToolKind.Memory, true)]
    [InlineData("tools-m10", ToolKind.Memory, false)]
    [InlineData("tools-m11", ToolKind.Browsing, true)]
    [InlineData("tools-m12", ToolKind.Browsing, false)]
    [InlineData("tools-m13", ToolKind.Canvas, true)]
    [InlineData("tools-m14", ToolKind.Canvas, false)]
    public async Task ToolTrafficIsToldApartFromTheConversation(string nodeId, ToolKind kind, bool isCall)
    {
        var (conversations, _) = await ReadZipAsync();
        var tools = conversations.Single(AttachmentExport.ToolsId);

        var tool = tools.Message(nodeId).Tool;
        Assert.NotNull(tool);
        Assert.Equal((kind, isCall), (tool.Kind, tool.IsCall));
        Assert.Null(tools.Message("tools-m15").Tool);
        Assert.Null(tools.Message("tools-m1").Tool);
    }

    [Fact]
    public async Task TheReaderListsEveryFileBesideTheConversationsAndOpensThem()
    {
        using var folder = new TempExportFolder();
        var zip = AttachmentExport.WriteZip(folder.File("export.zip"));
        await using var reader = await ExportReader.OpenAsync(zip);

        var paths = reader.AttachmentFiles.Select(f => f.Path).ToList();
        Assert.Contains("dalle-generations/file-Dalle8Img-2b1c4d.webp", paths);
        Assert.Contains("user-u1abc/file_00000000new2-7f3a9c.png", paths);
        Assert.DoesNotContain("conversations.json", paths);
        var png = reader.AttachmentFiles.Single(f => f.Path == "file-Chart9Plot-chart.png");
        await using var stream = await reader.OpenAttachmentAsync(png);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        Assert.Equal(AttachmentExport.Files.Single(f => f.Path == png.Path).Content, copy.ToArray());
    }

    [Fact]
    public async Task AnUnpackedFolderFindsFilesInSubfolders()
    {
        using var folder = new TempExportFolder();
        folder.Write("conversations.json", AttachmentExport.ConversationsJson());
        foreach (var (path, content) in AttachmentExport.Files)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.File(path))!);
            File.WriteAllBytes(folder.File(path), content);
        }

        var conversations = await ExportFixtures.ReadAllAsync(folder.Path);

        Assert.Equal("user-u1abc/file_00000000new2-7f3a9c.png", Only(conversations.Single(AttachmentExport.PicturesId), "pictures-m3").File);
        Assert.Equal("dalle-generations/file-Dalle8Img-2b1c4d.webp", Only(conversations.Single(AttachmentExport.ToolsId), "tools-m3").File);
    }
}
