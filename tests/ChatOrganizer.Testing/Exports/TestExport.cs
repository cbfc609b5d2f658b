using System.Text.Json.Nodes;

namespace ChatOrganizer.Testing.Exports;

/// <summary>A small ChatGPT <c>conversations.json</c> written for a test: each conversation a user question and an answer.</summary>
public static class TestExport
{
    /// <summary>
    /// <paramref name="count"/> conversations, one a month from January 2024, titled "Topic N" and about
    /// <paramref name="topics"/> in turn (the fake model files a conversation under the category named in its text).
    /// </summary>
    public static byte[] Json(int count, params string[] topics)
    {
        var conversations = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            var topic = topics.Length > 0 ? topics[i % topics.Length] : "anything";
            var created = new DateTimeOffset(2024, 1, 15, 12, 0, 0, TimeSpan.Zero).AddMonths(i % 24).AddMinutes(i);
            conversations.Add(Conversation($"conv-{i:D5}", $"Question {i} about {topic}", created, $"Tell me about {topic}, please.", $"Here is what I know about {topic}."));
        }
        return System.Text.Encoding.UTF8.GetBytes(conversations.ToJsonString());
    }

    private static JsonObject Conversation(string id, string title, DateTimeOffset created, string question, string answer)
    {
        var time = created.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["id"] = id,
            ["conversation_id"] = id,
            ["title"] = title,
            ["create_time"] = time,
            ["update_time"] = time + 60,
            ["default_model_slug"] = "gpt-4o",
            ["current_node"] = $"{id}-a",
            ["mapping"] = new JsonObject
            {
                [$"{id}-root"] = new JsonObject { ["id"] = $"{id}-root", ["message"] = null, ["parent"] = null, ["children"] = new JsonArray($"{id}-q") },
                [$"{id}-q"] = Node($"{id}-q", $"{id}-root", $"{id}-a", "user", question, time),
                [$"{id}-a"] = Node($"{id}-a", $"{id}-q", null, "assistant", answer, time + 30),
            },
        };
    }

    private static JsonObject Node(string id, string parent, string? child, string role, string text, long time) => new()
    {
        ["id"] = id,
        ["parent"] = parent,
        ["children"] = child is null ? new JsonArray() : new JsonArray(child),
        ["message"] = new JsonObject
        {
            ["id"] = id,
            ["author"] = new JsonObject { ["role"] = role, ["name"] = null, ["metadata"] = new JsonObject() },
            ["create_time"] = time,
            ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(text) },
            ["status"] = "finished_successfully",
            ["recipient"] = "all",
            ["metadata"] = role == "assistant" ? new JsonObject { ["model_slug"] = "gpt-4o" } : new JsonObject(),
        },
    };
}
