using System.Text.Json.Nodes;
using ChatOrganizer.Export;

namespace ChatOrganizer.Testing.Conversations;

/// <summary>Writes conversations as a ChatGPT export's <c>conversations.json</c>, for tests that go through the reader.</summary>
public static class ExportJson
{
    public static async Task<string> WriteAsync(string directory, params Conversation[] conversations)
    {
        var path = Path.Combine(directory, "conversations.json");
        await File.WriteAllTextAsync(path, new JsonArray([.. conversations.Select(ToJson)]).ToJsonString());
        return path;
    }

    private static JsonNode ToJson(Conversation conversation)
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
                    ["content"] = new JsonObject { ["content_type"] = "text", ["parts"] = new JsonArray(m.Text) },
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
