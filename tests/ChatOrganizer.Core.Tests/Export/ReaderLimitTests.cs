using System.Buffers.Binary;
using System.Text;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class ReaderLimitTests
{
    [Fact]
    public async Task AConversationNestedDeeperThanTheLimitIsSkippedWithAnErrorAndReadingGoesOn()
    {
        using var folder = new TempExportFolder();
        var deep = ExportJson.Conversation("deep", "Deep").ToJsonString().Replace(
            "\"current_node\"", $"\"x\":{new string('[', 100)}{new string(']', 100)},\"current_node\"", StringComparison.Ordinal);
        var path = folder.Write("conversations.json", $"[{deep},{ExportJson.Conversation("after", "After").ToJsonString()}]");

        var conversations = await ExportFixtures.ReadAllAsync(path);

        Assert.Equal([null, "after"], conversations.Select(c => c.Id));
        var error = Assert.Single(conversations[0].Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, 0), (error.Severity, error.Index));
        Assert.Contains("deeper than 64 levels", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NestingUpToTheLimitIsRead()
    {
        using var folder = new TempExportFolder();
        var options = new ExportReaderOptions { MaxDepth = 12 };
        // The conversation object is the first level; 11 arrays in it reach 12.
        var nested = ExportJson.Conversation("nested", "Nested").ToJsonString().Replace(
            "\"current_node\"", $"\"x\":{new string('[', 11)}{new string(']', 11)},\"current_node\"", StringComparison.Ordinal);
        var path = folder.Write("conversations.json", $"[{nested}]");

        var conversation = Assert.Single(await ExportFixtures.ReadAllAsync(path, options));

        Assert.Equal("nested", conversation.Id);
        Assert.Empty(conversation.Diagnostics);
    }

    [Fact]
    public async Task AConversationWithAStringLongerThanTheLimitIsSkippedWithAnError()
    {
        using var folder = new TempExportFolder();
        var options = new ExportReaderOptions { MaxStringBytes = 1000 };
        var path = folder.Write("conversations.json", ExportJson.Array(
            ExportJson.Conversation("huge", "Huge", answer: new string('x', 5000)),
            ExportJson.Conversation("after", "After")));

        var conversations = await ExportFixtures.ReadAllAsync(path, options);

        Assert.Equal([null, "after"], conversations.Select(c => c.Id));
        Assert.Contains("string longer than 1,000 bytes", Assert.Single(conversations[0].Diagnostics).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConversationLargerThanTheLimitIsSkippedWithAnErrorWithoutBufferingIt()
    {
        using var folder = new TempExportFolder();
        var options = new ExportReaderOptions { MaxConversationBytes = 100_000 };
        var path = folder.Write("conversations.json", ExportJson.Array(
            ExportJson.Conversation("before", "Before"),
            ExportJson.Conversation("large", "Large", answer: string.Join(' ', Enumerable.Repeat("word", 1_000_000))),
            ExportJson.Conversation("after", "After")));

        var conversations = await ExportFixtures.ReadAllAsync(path, options);

        Assert.Equal(["before", null, "after"], conversations.Select(c => c.Id));
        var error = Assert.Single(conversations[1].Diagnostics);
        Assert.Contains("larger than 100,000 bytes", error.Reason, StringComparison.Ordinal);
        Assert.Contains($"starts at byte {File.ReadAllText(path).IndexOf("{\"title\":\"Large\"", StringComparison.Ordinal)}", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConversationLargerThanTheReadBufferIsReadWhole()
    {
        using var folder = new TempExportFolder();
        var answer = string.Join(' ', Enumerable.Range(0, 1_000_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        var path = folder.Write("conversations.json", ExportJson.Array(
            ExportJson.Conversation("large", "Large", answer: answer),
            ExportJson.Conversation("after", "After")));

        var conversations = await ExportFixtures.ReadAllAsync(path);

        Assert.True(new FileInfo(path).Length > 4 * 1024 * 1024);
        Assert.Equal(answer, conversations[0].ActiveMessages.Last().Text);
        Assert.Equal("after", conversations[1].Id);
    }

    [Theory]
    [InlineData("../outside.json")]
    [InlineData("notes/../../outside.json")]
    [InlineData("/etc/passwd")]
    [InlineData("C:/Windows/win.ini")]
    [InlineData("..\\outside.json")]
    public async Task AZipWithAnEntryPointingOutsideTheExportIsRefused(string entry)
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip", ("conversations.json", "[]"), (entry, "x"));

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(zip));

        Assert.Contains($"'{entry}' that points outside the export", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AZipEntryThatInflatesLikeAZipBombIsRefusedBeforeItIsRead()
    {
        using var folder = new TempExportFolder();
        var bomb = new byte[20 * 1024 * 1024];
        bomb.AsSpan().Fill((byte)' ');
        bomb[0] = (byte)'[';
        bomb[^1] = (byte)']';
        var zip = folder.WriteZip("export.zip", ("conversations.json", bomb));

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(zip));

        Assert.Contains("looks like a zip bomb", error.Message, StringComparison.Ordinal);
        Assert.Equal("conversations.json", error.File);
    }

    [Fact]
    public async Task AZipEntryInflatingPastTheSizeItsHeaderDeclaresIsNotReadBeyondIt()
    {
        // The checks before inflating trust the declared size; a header that understates it is how a
        // bomb would slip past them.
        using var folder = new TempExportFolder();
        var conversations = Enumerable.Range(0, 200).Select(i => ExportJson.Conversation($"c-{i}", $"Conversation {i}")).ToArray();
        var zip = folder.WriteZip("export.zip", ("conversations.json", ExportJson.Array(conversations)));
        var bytes = File.ReadAllBytes(zip);
        for (var at = 0; at < bytes.Length - 28; at++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            if (signature == 0x04034b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 22), 5000);
            if (signature == 0x02014b50) BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at + 24), 5000);
        }

        File.WriteAllBytes(zip, bytes);

        var (read, error) = await ExportFixtures.ReadUntilStoppedAsync(zip);

        Assert.InRange(read.Count, 1, 10);
        Assert.Equal(5000, error.ByteOffset);
    }

    [Fact]
    public async Task AZipWithMoreEntriesThanTheLimitIsRefused()
    {
        using var folder = new TempExportFolder();
        var entries = Enumerable.Range(0, 11).Select(i => ($"file-{i}.png", "x")).Prepend(("conversations.json", "[]")).ToArray();
        var zip = folder.WriteZip("export.zip", entries);

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(zip, new ExportReaderOptions { MaxZipEntries = 10 }));

        Assert.Equal("export.zip holds 12 entries, more than 10 (ExportReaderOptions.MaxZipEntries); it was not read.", error.Message);
    }

    [Fact]
    public async Task AZipWhoseConversationsExceedTheUncompressedBudgetIsRefused()
    {
        using var folder = new TempExportFolder();
        var zip = folder.WriteZip("export.zip", ("conversations.json", ExportJson.Array(ExportJson.Conversation("c", "C", answer: new string('y', 4000)))));

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(zip, new ExportReaderOptions { MaxUncompressedBytes = 2048 }));

        Assert.Contains("more than 2,048 (ExportReaderOptions.MaxUncompressedBytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFileThatIsNotAZipDespiteItsHeaderIsRefused()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("export.zip", [.. "PK\u0003\u0004"u8, .. Encoding.ASCII.GetBytes(new string('x', 100))]);

        var error = await Assert.ThrowsAsync<ExportFormatException>(() => ExportReader.OpenAsync(path));

        Assert.StartsWith("export.zip is not a readable ZIP file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsOutOfRangeAreAllReportedWithTheAllowedValues()
    {
        var options = new ExportReaderOptions { MaxDepth = 2, MaxZipEntries = 0 };

        Assert.Equal(["MaxDepth is 2; allowed 8 to 1024.", "MaxZipEntries is 0; allowed 1 or more."], options.Validate());
        Assert.Empty(ExportReaderOptions.Default.Validate());
    }
}
