using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOrganizer.Testing.Exports;

// Small conversations as exported JSON, for tests that need a few of them in some container.
public static class ExportJson
{
    // A conversation with one user question and one answer, in the 2024 shape: a root node with no message,
    // then {id}-user and {id}-answer, current_node on the answer.
    //
    // created: Defaults to 2023-11-14 22:13:20.25 UTC; the messages follow a second apart.
    public static JsonObject Conversation(
        string id, string title, string question = "How do I rotate a log file?", string answer = "Use logrotate.", DateTimeOffset? created = null)
    {
        var root = $"{id}-root";
        var user = $"{id}-user";
        var assistant = $"{id}-answer";
        var time = created is { } c ? c.ToUnixTimeMilliseconds() / 1000.0 : 1_700_000_000.25;
        return new JsonObject
        {
            ["title"] = title,
            ["create_time"] = time,
            ["update_time"] = time + 100.25,
            ["mapping"] = new JsonObject
            {
                [root] = Node(root, null, null, user),
                [user] = Node(user, Message(user, "user", question, Math.Floor(time) + 1), root, assistant),
                [assistant] = Node(assistant, Message(assistant, "assistant", answer, Math.Floor(time) + 2), user),
            },
            ["current_node"] = assistant,
            ["conversation_id"] = id,
            ["default_model_slug"] = "gpt-4o",
            ["id"] = id,
        };
    }

    // conversations.json with count conversations conv-00000, conv-00001..., one a month
    // from January 2024 over two years, each about the next of topics in turn, named in its title
    // ("Question 7 about Travel") and question: the fake model files a conversation under the category named in it.
    public static byte[] AboutTopics(int count, params string[] topics)
    {
        var conversations = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var topic = topics.Length > 0 ? topics[i % topics.Length] : "anything";
            var created = new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.Zero).AddMonths(i % 24).AddMinutes(i);
            conversations.Add(Conversation($"conv-{i:D5}", $"Question {i} about {topic}", $"Tell me about {topic}, please.", $"Here is what I know about {topic}.", created));
        }
        return System.Text.Encoding.UTF8.GetBytes(conversations.ToJsonString());
    }

    // A JSON array of the given conversations, as in conversations.json.
    public static string Array(params JsonNode[] conversations) => new JsonArray(conversations).ToJsonString();

    public static JsonObject Node(string id, JsonObject? message, string? parent, params string[] children) => new()
    {
        ["id"] = id,
        ["message"] = message,
        ["parent"] = parent,
        ["children"] = new JsonArray(children.Select(c => (JsonNode)c).ToArray()),
    };

    public static JsonObject Message(string id, string role, string text, double? createTime) => new()
    {
        ["id"] = id,
        ["author"] = new JsonObject { ["role"] = role, ["name"] = null, ["metadata"] = new JsonObject() },
        ["create_time"] = createTime,
        ["update_time"] = null,
        ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(text) },
        ["status"] = "finished_successfully",
        ["weight"] = 1.0,
        ["metadata"] = new JsonObject(),
        ["recipient"] = "all",
    };

    // export_manifest.json (2025 and later) listing files with their sizes.
    public static string Manifest(params (string Path, long Size)[] files) =>
        new JsonObject
        {
            ["export_files"] = new JsonArray(files.Select(f => (JsonNode)new JsonObject { ["path"] = f.Path, ["size_bytes"] = f.Size }).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = false });

    // Writes conversation records back as an export's conversations.json (text, reasoning and its recap).
    public static async Task<string> WriteAsync(string directory, params ChatOrganizer.Export.Conversation[] conversations)
    {
        var path = Path.Combine(directory, "conversations.json");
        await File.WriteAllTextAsync(path, new JsonArray([.. conversations.Select(FromConversation)]).ToJsonString());
        return path;
    }

    // The shapes of a 2025 export: thoughts as a list of {summary, content}, the recap as one string.
    private static JsonObject Content(ChatOrganizer.Export.Message message) => message.ContentType switch
    {
        "thoughts" => new JsonObject
        {
            ["content_type"] = "thoughts",
            ["thoughts"] = new JsonArray(new JsonObject { ["summary"] = "", ["content"] = message.Text }),
        },
        "reasoning_recap" => new JsonObject { ["content_type"] = "reasoning_recap", ["content"] = message.Text },
        _ => new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(message.Text) },
    };

    public static JsonNode FromConversation(ChatOrganizer.Export.Conversation conversation)
    {
        var mapping = new JsonObject();
        foreach (var node in conversation.Tree.Nodes)
        {
            mapping[node.Id] = new JsonObject
            {
                ["id"] = node.Id,
                ["parent"] = node.ParentId,
                ["children"] = new JsonArray([.. node.Children.Select(c => (JsonNode)c)]),
                ["message"] = node.Message is not { } m ? null : new JsonObject
                {
                    ["id"] = m.Id,
                    ["author"] = new JsonObject { ["role"] = m.Role, ["name"] = m.AuthorName, ["metadata"] = new JsonObject() },
                    ["create_time"] = m.CreateTime?.ToUnixTimeMilliseconds() / 1000.0,
                    ["content"] = Content(m),
                    ["status"] = m.Status,
                    ["metadata"] = new JsonObject { ["is_visually_hidden_from_conversation"] = m.IsHidden },
                    ["recipient"] = m.Recipient,
                },
            };
        }
        return new JsonObject
        {
            ["id"] = conversation.Id,
            ["conversation_id"] = conversation.Id,
            ["title"] = conversation.Title,
            ["create_time"] = conversation.CreateTime?.ToUnixTimeMilliseconds() / 1000.0,
            ["update_time"] = conversation.CreateTime?.ToUnixTimeMilliseconds() / 1000.0,
            ["mapping"] = mapping,
            ["current_node"] = conversation.Tree.ActivePath.LastOrDefault(),
        };
    }
}
