using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

// Alone in its collection: it measures the process's managed heap, which parallel tests would disturb.
[CollectionDefinition(nameof(BoundedMemoryTests), DisableParallelization = true)]
public class BoundedMemoryCollection;

[Collection(nameof(BoundedMemoryTests))]
public class BoundedMemoryTests
{
    [Fact]
    public async Task ReadingALargeExportKeepsOnlyAboutOneConversationInMemory()
    {
        // About 40 MB of conversations. A reader that held the file, the ZIP entry or the conversations it
        // produced would retain tens of MB; one that streams retains its buffer and one conversation.
        using var folder = new TempExportFolder();
        var zip = folder.File("large.zip");
        var messages = SyntheticExport.WriteZip(zip, conversations: 2000, wordsPerMessage: 120);
        var baseline = GC.GetTotalMemory(forceFullCollection: true);

        var retainedPeak = 0L;
        var read = 0;
        var readMessages = 0;
        await using (var reader = await ExportReader.OpenAsync(zip))
        {
            await foreach (var conversation in reader.ReadConversationsAsync())
            {
                read++;
                readMessages += conversation.Tree.Nodes.Count(n => n.Message is not null);
                if (read % 100 == 0) retainedPeak = Math.Max(retainedPeak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        using var archive = System.IO.Compression.ZipFile.OpenRead(zip);
        var exportBytes = archive.GetEntry("conversations.json")!.Length;
        Assert.Equal((2000, messages), (read, readMessages));
        Assert.True(exportBytes > 35_000_000, $"the export is {exportBytes:N0} bytes; too small to show anything");
        Assert.True(retainedPeak < 8_000_000, $"{retainedPeak:N0} bytes stayed in memory while reading {exportBytes:N0} bytes of conversations");
    }
}
