using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ChatOrganizer.Categorization;

// What one request says and how its answer is read. Conversations are named by short per-batch keys
// (c1, c2...) rather than their ids: cheaper, and the schema's enum can list exactly them.
internal static class CategorizationPrompt
{
    // Part of the category-set hash: changing the prompt invalidates cached answers.
    public const string Version = "prompt-v1";

    // Instructions and JSON scaffolding of a request whose set is about the default's size: the floor the
    // options check MaxRequestTokens against. Larger sets are measured, not assumed (EstimateInputTokens).
    public const int TypicalOverheadTokens = 700;

    // The key, quotes and field names around each digest in the user message and the schema's enum.
    private const int TokensPerConversation = 16;

    // One answer entry, e.g. {"key":"c12","category":"Programming & Development"}, is about 15 tokens.
    public const int AnswerTokensPerConversation = 20;

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] InventedFallbacks = ["uncategorized", "unknown", "none", "n/a", "misc", "miscellaneous"];

    public static string Key(int index) => $"c{index + 1}";

    public static string SystemMessage(CategorySet set)
    {
        var text = new StringBuilder();
        text.AppendLine("You sort conversations from one person's ChatGPT history into categories.");
        text.AppendLine("For every conversation in the user message, choose the one category that best describes what the conversation is about.");
        text.AppendLine("Answer with JSON only, shaped {\"results\":[{\"key\":\"c1\",\"category\":\"...\"}]}: one entry per conversation key, every key exactly once.");
        text.AppendLine("Categories (name: description):");
        foreach (var category in set.EffectiveCategories)
        {
            text.Append("- ").Append(category.Name);
            if (!string.IsNullOrWhiteSpace(category.Description)) text.Append(": ").Append(category.Description.Trim());
            text.AppendLine();
        }
        text.Append(set.AllowNewCategories
            ? "If no category fits, answer with a new, short category name of one to three words instead."
            : $"If no category fits, answer \"{CategorySet.OtherName}\".");
        return text.ToString();
    }

    public static string UserMessage(IReadOnlyList<ConversationDigest> batch) =>
        JsonSerializer.Serialize(new
        {
            conversations = batch.Select((d, i) => new { key = Key(i), title = d.Title, text = d.Text }),
        }, Json);

    // Strict structured-output schema: keys and (unless new ones are allowed) categories are enums.
    public static string Schema(int count, CategorySet set)
    {
        var category = new JsonObject { ["type"] = "string" };
        if (!set.AllowNewCategories)
            category["enum"] = new JsonArray([.. set.EffectiveCategories.Select(c => (JsonNode)c.Name)]);
        var entry = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject
            {
                ["key"] = new JsonObject
                {
                    ["type"] = "string",
                    ["enum"] = new JsonArray([.. Enumerable.Range(0, count).Select(i => (JsonNode)Key(i))]),
                },
                ["category"] = category,
            },
            ["required"] = new JsonArray("key", "category"),
            ["additionalProperties"] = false,
        };
        var root = new JsonObject
        {
            ["type"] = "object",
            ["properties"] = new JsonObject { ["results"] = new JsonObject { ["type"] = "array", ["items"] = entry } },
            ["required"] = new JsonArray("results"),
            ["additionalProperties"] = false,
        };
        return root.ToJsonString(Json);
    }

    // Tokens of the instructions and schema scaffolding, paid once per request whatever its size.
    public static int OverheadTokens(CategorySet set) =>
        TokenEstimate.Of(SystemMessage(set)) + TokenEstimate.Of(Schema(0, set)) + 20;

    public static int ConversationTokens(ConversationDigest digest) => digest.Tokens + TokensPerConversation;

    public static int MaxOutputTokens(int count) => 100 + 2 * AnswerTokensPerConversation * count;

    // Reads an answer by key, never by position. Any key the answer leaves out, repeats with different
    // categories, or files under a category not in the set comes back as a problem instead of a category.
    public static Answer Read(string? content, int count, CategorySet set)
    {
        var categories = new Dictionary<int, string>();
        var problems = new Dictionary<int, string>();
        void FailAll(string reason)
        {
            for (var i = 0; i < count; i++) problems[i] = reason;
        }

        JsonElement results;
        try
        {
            using var document = JsonDocument.Parse(StripCodeFence(content ?? ""));
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("results", out var found)
                || found.ValueKind != JsonValueKind.Array)
            {
                FailAll("The model's answer did not have the requested shape (no \"results\" list).");
                return new Answer(categories, problems);
            }
            results = found.Clone();
        }
        catch (JsonException)
        {
            FailAll("The model's answer was not valid JSON.");
            return new Answer(categories, problems);
        }

        foreach (var entry in results.EnumerateArray())
        {
            if (entry.ValueKind != JsonValueKind.Object
                || !entry.TryGetProperty("key", out var keyElement) || keyElement.ValueKind != JsonValueKind.String
                || !entry.TryGetProperty("category", out var categoryElement) || categoryElement.ValueKind != JsonValueKind.String)
            {
                continue; // an entry without a readable key cannot be matched to anything; its conversation shows up as missing
            }
            var index = IndexOf(keyElement.GetString()!, count);
            if (index < 0 || problems.ContainsKey(index)) continue;

            var named = categoryElement.GetString()!;
            var category = Resolve(named, set);
            if (category is null)
            {
                categories.Remove(index);
                problems[index] = $"The model answered '{Shorten(named)}', which is not a category in the set.";
            }
            else if (categories.TryGetValue(index, out var earlier) && earlier != category)
            {
                categories.Remove(index);
                problems[index] = "The model's answer gave this conversation two different categories.";
            }
            else
            {
                categories[index] = category;
            }
        }
        for (var i = 0; i < count; i++)
        {
            if (!categories.ContainsKey(i)) problems.TryAdd(i, "The model's answer left this conversation out.");
        }
        return new Answer(categories, problems);
    }

    // The set's own spelling of a listed category; a proposed new one when the set allows it; else null.
    private static string? Resolve(string named, CategorySet set)
    {
        if (set.Find(named) is { } listed) return listed.Name;
        if (!set.AllowNewCategories) return null;
        var proposed = string.Join(' ', named.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (proposed.Length is 0 or > CategorySet.MaxNameLength) return null;
        return InventedFallbacks.Contains(proposed, StringComparer.OrdinalIgnoreCase) ? null : proposed;
    }

    private static int IndexOf(string key, int count) =>
        key.Length > 1 && key[0] == 'c' && int.TryParse(key.AsSpan(1), out var n) && n >= 1 && n <= count && key == Key(n - 1)
            ? n - 1
            : -1;

    // Some local servers ignore the response format and wrap JSON in a Markdown fence.
    private static string StripCodeFence(string content)
    {
        var text = content.Trim();
        if (!text.StartsWith("```", StringComparison.Ordinal)) return text;
        var firstLine = text.IndexOf('\n', StringComparison.Ordinal);
        var close = text.LastIndexOf("```", StringComparison.Ordinal);
        return firstLine > 0 && close > firstLine ? text[(firstLine + 1)..close] : text;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";

    // Categories: batch index to the category it was filed under; Problems: batch index to why it was not.
    public sealed record Answer(IReadOnlyDictionary<int, string> Categories, IReadOnlyDictionary<int, string> Problems);
}
