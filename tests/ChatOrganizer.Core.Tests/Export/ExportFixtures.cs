using ChatOrganizer.Export;

namespace ChatOrganizer.Core.Tests.Export;

// Reads the fixtures under Export/Fixtures (copied next to the test assembly) and other exports.
internal static class ExportFixtures
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Export", "Fixtures", name);

    public static async Task<List<Conversation>> ReadAllAsync(string path, ExportReaderOptions? options = null)
    {
        await using var reader = await ExportReader.OpenAsync(path, options);
        return await ReadAllAsync(reader);
    }

    public static async Task<List<Conversation>> ReadAllAsync(ExportReader reader)
    {
        var conversations = new List<Conversation>();
        await foreach (var conversation in reader.ReadConversationsAsync()) conversations.Add(conversation);
        return conversations;
    }

    // What was read before the reading stopped, and why it stopped; fails the test if it did not stop.
    public static async Task<(List<Conversation> Read, ExportFormatException Error)> ReadUntilStoppedAsync(string path, ExportReaderOptions? options = null)
    {
        var read = new List<Conversation>();
        try
        {
            await using var reader = await ExportReader.OpenAsync(path, options);
            await foreach (var conversation in reader.ReadConversationsAsync()) read.Add(conversation);
        }
        catch (ExportFormatException e)
        {
            return (read, e);
        }

        throw new Xunit.Sdk.XunitException($"Reading {path} did not stop; it read {read.Count} conversations.");
    }

    public static Conversation Single(this List<Conversation> conversations, string id) =>
        conversations.Single(c => c.Id == id);

    public static Message Message(this Conversation conversation, string nodeId) =>
        conversation.Tree.Find(nodeId)?.Message ?? throw new Xunit.Sdk.XunitException($"No message '{nodeId}' in {conversation.Id}.");
}
