using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ChatOrganizer.Categorization;

// What one request says and how its answer is read. Conversations are named by short per-batch keys
// (c1, c2...) rather than their ids: cheaper, and the schema's enum can list exactly them.
internal static partial class CategorizationPrompt
{
    // Part of the category-set hash: changing the prompt invalidates cached answers.
    public const string Version = "prompt-v2";

    // Instructions and JSON scaffolding of a request whose set is about the default's size: the floor the
    // options check MaxRequestTokens against. Larger sets are measured, not assumed (RequestCost).
    public const int TypicalOverheadTokens = 700;

    // The forced function of ResponseMode.FunctionCall; its parameters are the answer's schema.
    public const string FunctionName = "file_conversations";
    public const string FunctionDescription = "Files every conversation of the user message under exactly one category.";

    // OpenAI's chat format adds 3 tokens around each message and 3 that prime the reply (OpenAI cookbook,
    // "How to count tokens with tiktoken"); the fake model counts what it receives by the same rule.
    public const int TokensPerMessage = 3;
    public const int ReplyPrimingTokens = 3;

    // The user message: one JSON object per line. Every line ends in a line break, which ends a tokenizer's
    // pre-token, so a request's tokens are exactly its header's plus each line's: a digest's entry is counted
    // once, when the digest is built, and batches are sized and priced from those counts without the text.
    private const string UserHeader = "Conversations, one JSON object per line:\n";

    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] InventedFallbacks = ["uncategorized", "unknown", "none", "n/a", "misc", "miscellaneous"];

    public static string Key(int index) => $"c{index + 1}";

    public static string SystemMessage(CategorySet set, IReadOnlyList<PromptExample>? examples = null)
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
        if (examples is { Count: > 0 })
        {
            text.AppendLine("Conversations the person filed themselves, to file like them (one JSON object per line):");
            foreach (var example in examples) text.Append(ExampleLine(example));
        }
        text.Append(set.AllowNewCategories
            ? "If no category fits, answer with a new, short category name of one to three words instead."
            : $"If no category fits, answer \"{CategorySet.OtherName}\".");
        return text.ToString();
    }

    // Examples are short: the opening of what the person filed, enough to show how they file, cheap in every request.
    public const int MaxExamples = 5;
    public const int ExampleTextTokens = 60;
    private const int ExampleTitleChars = 120;

    public static string ExampleLine(PromptExample example) =>
        JsonSerializer.Serialize(new { title = example.Title, text = example.Text, category = example.Category }, Json) + "\n";

    // A few of the person's labelled conversations for the prompt: the newest first, one category after another so a
    // few examples cover several, each cut to ExampleTextTokens, all within budget tokens.
    public static IReadOnlyList<PromptExample> ChooseExamples(IReadOnlyList<Offline.LabelledExample> labelled, CategorySet set, TokenCounter counter, int budget)
    {
        var chosen = new List<PromptExample>();
        if (budget <= 0 || labelled.Count == 0) return chosen;
        var byCategory = labelled
            .Select(l => (Category: set.Find(l.Category)?.Name ?? (set.AllowNewCategories ? l.Category : null), l.Digest))
            .Where(l => l.Category is not null)
            .GroupBy(l => l.Category!, StringComparer.Ordinal)
            .Select(g => new Queue<(string Category, ConversationDigest Digest)>(g.Select(l => (l.Category!, l.Digest))))
            .ToList();
        var spent = 0;
        while (chosen.Count < MaxExamples && byCategory.Any(q => q.Count > 0))
        {
            foreach (var queue in byCategory.Where(q => q.Count > 0))
            {
                if (chosen.Count == MaxExamples) break;
                var (category, digest) = queue.Dequeue();
                var title = digest.Title.Length <= ExampleTitleChars ? digest.Title : digest.Title[..ExampleTitleChars];
                var example = new PromptExample(title, Opening(digest.Text, counter), category);
                var tokens = counter.Count(ExampleLine(example));
                if (spent + tokens > budget) continue;
                chosen.Add(example);
                spent += tokens;
            }
        }
        return chosen;
    }

    private static string Opening(string text, TokenCounter counter)
    {
        // About four characters a token in Latin script, one or two in CJK: shorten until it fits.
        var cut = text.Length <= ExampleTextTokens * 4 ? text : text[..(ExampleTextTokens * 4)];
        while (cut.Length > 0 && counter.Count(cut) > ExampleTextTokens) cut = cut[..(cut.Length * 3 / 4)];
        return cut;
    }

    // Modes without a schema parameter (JSON mode, plain text) carry the schema in the instructions instead.
    public static string SystemMessage(CategorySet set, ResponseMode mode, string schema, IReadOnlyList<PromptExample>? examples = null) =>
        mode is ResponseMode.JsonObject or ResponseMode.PlainText
            ? $"{SystemMessage(set, examples)}\nThe JSON must match this JSON schema: {schema}"
            : SystemMessage(set, examples);

    public static string UserMessage(IReadOnlyList<ConversationDigest> batch)
    {
        var text = new StringBuilder(UserHeader);
        for (var i = 0; i < batch.Count; i++) text.Append(Entry(i, batch[i].Title, batch[i].Text));
        return text.ToString();
    }

    private static string Entry(int index, string title, string text) =>
        JsonSerializer.Serialize(new { key = Key(index), title, text }, Json) + "\n";

    // A digest's line in the user message. Keys' digits are tokens of their own, so the count does not depend on
    // the digest's place in a batch.
    public static int EntryTokens(string title, string text, TokenCounter counter) => counter.Count(Entry(0, title, text));

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

    // Every input token of a request as sent: both messages with their framing, and the schema where the mode sends it
    // as a parameter (the response format's, or the function's with its name and description).
    public static int RequestTokens(string system, string user, string schema, ResponseMode mode, TokenCounter counter) =>
        counter.Count(system) + counter.Count(user) + FramingTokens + FormatTokens(schema, mode, counter);

    public static int HeaderTokens(TokenCounter counter) => counter.Count(UserHeader);

    public const int FramingTokens = 2 * TokensPerMessage + ReplyPrimingTokens;

    public static int FormatTokens(string schema, ResponseMode mode, TokenCounter counter) => mode switch
    {
        ResponseMode.JsonSchema => counter.Count(schema),
        ResponseMode.FunctionCall => counter.Count(FunctionName) + counter.Count(FunctionDescription) + counter.Count(schema),
        _ => 0,
    };

    // One answer entry for the set's longest category name (or a three-word name where new ones are allowed).
    public static int AnswerEntryTokens(CategorySet set, TokenCounter counter)
    {
        var longest = set.AllowNewCategories ? "Home Improvement Projects" : "";
        foreach (var category in set.EffectiveCategories)
        {
            if (category.Name.Length > longest.Length) longest = category.Name;
        }
        return counter.Count(JsonSerializer.Serialize(new { key = "c100", category = longest }, Json) + ",");
    }

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
            using var document = JsonDocument.Parse(AnswerJson(content ?? ""));
            var root = document.RootElement;
            // A bare list of entries is what a model answering in plain text often gives; it is read the same way.
            JsonElement found = default;
            var shaped = root.ValueKind == JsonValueKind.Array
                || (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("results", out found) && found.ValueKind == JsonValueKind.Array);
            if (!shaped)
            {
                FailAll("The model's answer did not have the requested shape (no \"results\" list).");
                return new Answer(categories, problems);
            }
            results = (root.ValueKind == JsonValueKind.Array ? root : found).Clone();
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

    // The JSON of an answer, wherever it is: local servers and models answering in plain text wrap it in a Markdown
    // fence or in prose, and reasoning models served by Ollama or vLLM may put their <think> block first.
    internal static string AnswerJson(string content)
    {
        var text = ThinkBlock().Replace(content, "").Trim();
        var fence = text.IndexOf("```", StringComparison.Ordinal);
        if (fence >= 0)
        {
            var firstLine = text.IndexOf('\n', fence);
            var close = firstLine < 0 ? -1 : text.IndexOf("```", firstLine, StringComparison.Ordinal);
            if (close > firstLine) text = text[(firstLine + 1)..close].Trim();
        }
        var start = text.IndexOfAny(['{', '[']);
        if (start < 0) return text;
        var end = MatchingClose(text, start);
        return end < 0 ? text[start..] : text[start..(end + 1)];
    }

    // The index of the bracket closing the one at start, skipping brackets inside strings; -1 when it never closes.
    private static int MatchingClose(string text, int start)
    {
        var depth = 0;
        var inString = false;
        for (var i = start; i < text.Length; i++)
        {
            var c = text[i];
            if (inString)
            {
                if (c == '\\') i++;
                else if (c == '"') inString = false;
                continue;
            }
            switch (c)
            {
                case '"':
                    inString = true;
                    break;
                case '{' or '[':
                    depth++;
                    break;
                case '}' or ']':
                    if (--depth == 0) return i;
                    break;
            }
        }
        return -1;
    }

    [GeneratedRegex(@"<think>.*?(</think>|$)", RegexOptions.Singleline)]
    private static partial Regex ThinkBlock();

    private static string Shorten(string text) => TextCut.Fit(text, 43, "...");

    // Categories: batch index to the category it was filed under; Problems: batch index to why it was not.
    public sealed record Answer(IReadOnlyDictionary<int, string> Categories, IReadOnlyDictionary<int, string> Problems);
}

// A conversation the person filed, as the prompt shows it.
internal sealed record PromptExample(string Title, string Text, string Category);
