using System.IO.Compression;
using System.Text.Json;

namespace ChatOrganizer.Testing.Exports;

// Writes a large synthetic conversations.json in the 2024 shape (hidden system node, user and assistant
// turns, some regenerated answers, code interpreter round trips), deterministic for a seed. For tests
// that need tens of MB without a fixture in the repository.
public static class SyntheticExport
{
    private static readonly string[] Words =
        "the a to of and in is it that for with on as this be can you my how what why help make need want use python function error test query budget flight essay workout market model dataset plot"
            .Split(' ');

    // Writes conversations conversations; returns how many messages they hold in all.
    public static int WriteConversationsJson(Stream output, int conversations, int wordsPerMessage = 120, int seed = 1)
    {
        var random = new Random(seed);
        var messages = 0;
        using var json = new Utf8JsonWriter(output);
        json.WriteStartArray();
        for (var i = 0; i < conversations; i++) messages += WriteConversation(json, random, i, wordsPerMessage);
        json.WriteEndArray();
        return messages;
    }

    // Writes conversations.json into a ZIP, with the side files exports carry.
    public static int WriteZip(string path, int conversations, int wordsPerMessage = 120, int seed = 1)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        int messages;
        using (var entry = zip.CreateEntry("conversations.json", CompressionLevel.Fastest).Open())
        {
            messages = WriteConversationsJson(entry, conversations, wordsPerMessage, seed);
        }

        using (var writer = new StreamWriter(zip.CreateEntry("user.json").Open()))
        {
            writer.Write("""{"id": "user-synthetic", "email": "someone@example.invalid", "chatgpt_plus_user": true, "phone_number": null}""");
        }

        return messages;
    }

    private static int WriteConversation(Utf8JsonWriter json, Random random, int index, int wordsPerMessage)
    {
        var id = Id(random);
        var time = 1_672_531_200 + (random.NextDouble() * 3.8 * 365 * 86_400);
        var created = time;
        var root = Id(random);
        var system = Id(random);
        var nodes = new List<(string Id, string? Parent, List<string> Children, string? Role, string? ContentType, string? Text, double Time)>
        {
            (root, null, [system], null, null, null, 0),
            (system, root, [], "system", "text", "", 0),
        };
        var leaf = 1;
        var turns = 1 + random.Next(10);
        for (var turn = 0; turn < turns; turn++)
        {
            var user = Add(nodes, leaf, "user", "text", Text(random, 5 + random.Next(wordsPerMessage)), time += 30);
            var parent = user;
            if (random.Next(12) == 0)
            {
                var code = Add(nodes, parent, "assistant", "code", "print(" + Text(random, 4) + ")", time += 5);
                parent = Add(nodes, code, "tool", "execution_output", Text(random, 10), time += 1);
            }

            var answer = Add(nodes, parent, "assistant", "text", Text(random, wordsPerMessage * 3), time += 40);
            if (random.Next(10) == 0) answer = Add(nodes, parent, "assistant", "text", Text(random, wordsPerMessage * 3), time += 40);
            leaf = answer;
        }

        json.WriteStartObject();
        json.WriteString("title", $"Synthetic conversation {index}");
        json.WriteNumber("create_time", created);
        json.WriteNumber("update_time", time);
        json.WriteStartObject("mapping");
        foreach (var node in nodes)
        {
            json.WriteStartObject(node.Id);
            json.WriteString("id", node.Id);
            if (node.Role is null)
            {
                json.WriteNull("message");
            }
            else
            {
                json.WriteStartObject("message");
                json.WriteString("id", node.Id);
                json.WriteStartObject("author");
                json.WriteString("role", node.Role);
                if (node.Role == "tool") json.WriteString("name", "python");
                else json.WriteNull("name");
                json.WriteStartObject("metadata");
                json.WriteEndObject();
                json.WriteEndObject();
                if (node.Time > 0) json.WriteNumber("create_time", node.Time);
                else json.WriteNull("create_time");
                json.WriteStartObject("content");
                json.WriteString("content_type", node.ContentType);
                if (node.ContentType == "text")
                {
                    json.WriteStartArray("parts");
                    json.WriteStringValue(node.Text);
                    json.WriteEndArray();
                }
                else
                {
                    json.WriteString("text", node.Text);
                }

                json.WriteEndObject();
                json.WriteString("status", "finished_successfully");
                json.WriteStartObject("metadata");
                if (node.Role == "system") json.WriteBoolean("is_visually_hidden_from_conversation", true);
                if (node.Role == "assistant") json.WriteString("model_slug", "gpt-4o");
                json.WriteEndObject();
                json.WriteString("recipient", node.ContentType == "code" ? "python" : "all");
                json.WriteEndObject();
            }

            if (node.Parent is null) json.WriteNull("parent");
            else json.WriteString("parent", node.Parent);
            json.WriteStartArray("children");
            foreach (var child in node.Children) json.WriteStringValue(child);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteString("current_node", nodes[leaf].Id);
        json.WriteString("conversation_id", id);
        json.WriteString("default_model_slug", "gpt-4o");
        json.WriteString("id", id);
        json.WriteEndObject();
        return nodes.Count - 1;
    }

    private static int Add(
        List<(string Id, string? Parent, List<string> Children, string? Role, string? ContentType, string? Text, double Time)> nodes,
        int parent, string role, string contentType, string text, double time)
    {
        var id = $"{nodes[0].Id}-{nodes.Count}";
        nodes[parent].Children.Add(id);
        nodes.Add((id, nodes[parent].Id, [], role, contentType, text, time));
        return nodes.Count - 1;
    }

    private static string Text(Random random, int words) =>
        string.Join(' ', Enumerable.Range(0, words).Select(_ => Words[random.Next(Words.Length)]));

    private static string Id(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes).ToString();
    }
}
