namespace ChatOrganizer.Categorization;

// What a request has to know about an OpenAI model family: its tokenizer, whether it reasons (no sampling
// parameters, room for hidden reasoning tokens, an effort level where it accepts one) and its context window.
// Matched by the longest prefix, so dated names (gpt-4o-2024-08-06, gpt-4-0613) and variants (gpt-4o-mini)
// find their family; any other model (llama3.1 on Ollama, a renamed Azure deployment) is Unknown.
internal sealed record ModelFamily(string Prefix, string? Encoding, bool Reasons, string? ReasoningEffort, int? ContextWindow)
{
    public const string O200kBase = "o200k_base";
    public const string Cl100kBase = "cl100k_base";

    public static readonly ModelFamily Unknown = new("", null, false, null, null);

    // Context windows from OpenAI's model pages; only gpt-4 and gpt-3.5-turbo are small enough to limit a batch.
    // Effort: the lowest the family accepts (gpt-5 alone takes "minimal"; o1-mini and o1-preview take none).
    private static readonly ModelFamily[] Known =
    [
        new("gpt-4o", O200kBase, false, null, 128_000),
        new("chatgpt-4o", O200kBase, false, null, 128_000),
        new("gpt-4.1", O200kBase, false, null, 1_047_576),
        new("gpt-4.5", O200kBase, false, null, 128_000),
        new("gpt-4-turbo", Cl100kBase, false, null, 128_000),
        new("gpt-4-1106", Cl100kBase, false, null, 128_000),
        new("gpt-4-0125", Cl100kBase, false, null, 128_000),
        new("gpt-4-32k", Cl100kBase, false, null, 32_768),
        new("gpt-4", Cl100kBase, false, null, 8_192),
        new("gpt-3.5-turbo", Cl100kBase, false, null, 16_385),
        new("gpt-35-turbo", Cl100kBase, false, null, 16_385), // Azure's spelling
        new("gpt-5-chat", O200kBase, false, null, 128_000),
        new("gpt-5", O200kBase, true, "minimal", 400_000),
        new("o1-mini", O200kBase, true, null, 128_000),
        new("o1-preview", O200kBase, true, null, 128_000),
        new("o1", O200kBase, true, "low", 200_000),
        new("o3", O200kBase, true, "low", 200_000),
        new("o4-mini", O200kBase, true, "low", 200_000),
    ];

    public static ModelFamily Of(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return Unknown;
        var name = model.Trim();
        ModelFamily? best = null;
        foreach (var family in Known)
        {
            var matches = name.Equals(family.Prefix, StringComparison.OrdinalIgnoreCase)
                || (name.Length > family.Prefix.Length && name[family.Prefix.Length] == '-'
                    && name.StartsWith(family.Prefix, StringComparison.OrdinalIgnoreCase));
            if (matches && (best is null || family.Prefix.Length > best.Prefix.Length)) best = family;
        }
        return best ?? Unknown;
    }
}
