using System.Text;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class UnreadableInputTests
{
    [Fact]
    public async Task ATruncatedFileStopsWhereItEndsAfterTheConversationsBeforeIt()
    {
        var path = ExportFixtures.Path("truncated.json");

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Equal(["branches-1", "no-children-1"], read.Select(c => c.Id));
        Assert.Contains("in the middle of conversation #2", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Equal(new FileInfo(path).Length, error.ByteOffset);
        Assert.Equal("truncated.json", error.File);
    }

    [Fact]
    public async Task AFileThatEndsBetweenConversationsSaysAfterWhichOne()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("c-1", "One")).TrimEnd(']') + ",");

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Single(read);
        Assert.Contains("after conversation #0 without the closing ']'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, "byte 0x89")]
    [InlineData(new byte[] { (byte)'<', (byte)'h', (byte)'t', (byte)'m', (byte)'l', (byte)'>' }, "'<'")]
    [InlineData(new byte[] { (byte)'[', (byte)'x', (byte)']' }, "'x' where a JSON value should begin at byte 1")]
    public async Task InputThatIsNotJsonStopsAtTheFirstByteThatIsNot(byte[] content, string expected)
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", content);

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Empty(read);
        Assert.Contains("is not valid JSON", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n\t ")]
    public async Task AnEmptyFileStopsSayingItIsEmpty(string content)
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", content);

        var (_, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Equal("conversations.json is empty; it should hold JSON.", error.Message);
    }

    [Fact]
    public async Task AnObjectWhereTheArrayShouldBeStopsSayingSo()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", ExportJson.Conversation("c-1", "Alone").ToJsonString());

        var (_, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.StartsWith("conversations.json holds a JSON object at byte 0, but it should be a JSON array of conversations", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BytesThatAreNotUtf8StopAtTheirByteOffsetAfterTheConversationsBefore()
    {
        using var folder = new TempExportFolder();
        var json = ExportJson.Array(ExportJson.Conversation("c-1", "Fine"), ExportJson.Conversation("c-2", "BROKEN"));
        var bytes = Encoding.UTF8.GetBytes(json);
        var at = json.IndexOf("BROKEN", StringComparison.Ordinal);
        bytes[at] = 0xC3;
        bytes[at + 1] = 0x28;
        var path = folder.Write("conversations.json", bytes);

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Equal(["c-1"], read.Select(c => c.Id));
        Assert.Equal(at, error.ByteOffset);
        Assert.Contains($"not UTF-8 at byte {at}, in conversation #1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Utf16TextIsRefusedWithAHint()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("[]")]);

        var (_, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Contains("UTF-16", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASyntaxErrorInsideAConversationStopsAtItsByteOffset()
    {
        using var folder = new TempExportFolder();
        var json = ExportJson.Array(ExportJson.Conversation("c-1", "Fine"), ExportJson.Conversation("c-2", "Broken"));
        var broken = json.Replace("\"title\":\"Broken\"", "\"title\":tru", StringComparison.Ordinal);
        var path = folder.Write("conversations.json", broken);

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(path);

        Assert.Single(read);
        Assert.Contains("is not valid JSON at byte", error.Message, StringComparison.Ordinal);
        Assert.Contains("in conversation #1", error.Message, StringComparison.Ordinal);
        Assert.InRange(error.ByteOffset!.Value, broken.IndexOf(":tru", StringComparison.Ordinal), broken.IndexOf(":tru", StringComparison.Ordinal) + 5);
    }

    [Fact]
    public async Task AFolderWithoutConversationsIsNotAnExport()
    {
        using var folder = new TempExportFolder();
        folder.Write("user.json", "{}");

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(folder.Path));

        Assert.Contains("holds no conversations.json, conversations-NNN.json or chat.html", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task APathThatDoesNotExistSaysSo()
    {
        await Assert.ThrowsAsync<FileNotFoundException>(() => ExportReader.OpenAsync("/no/such/export.zip"));
    }

    [Fact]
    public async Task DataAfterTheArrayIsAWarningOnTheExport()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("c-1", "One")) + "\n<!-- saved by a browser -->");

        await using var reader = await ExportReader.OpenAsync(path);
        var conversations = await ExportFixtures.ReadAllAsync(reader);

        Assert.Single(conversations);
        Assert.Contains("Data after the end of the JSON", Assert.Single(reader.Diagnostics).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileNamedZipThatIsNotAZipSaysSoInsteadOfBlamingTheJson()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("export.zip", "%PDF-1.7 not an export");

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(path));

        Assert.StartsWith("export.zip is named like a ZIP file but is not one", error.Message, StringComparison.Ordinal);
    }
}
