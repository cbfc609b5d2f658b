using Microsoft.ML.Tokenizers;

namespace ChatOrganizer.Categorization;

// Counts tokens as the model's own tokenizer does: o200k_base or cl100k_base (Microsoft.ML.Tokenizers,
// its data packages shipped with the app) for OpenAI models, a character estimate for any other. Digests, batches and
// the cost estimate all count with the same one, so they agree with each other and, for OpenAI models, with the bill.
public sealed class TokenCounter
{
    // Building an encoding reads its whole vocabulary (about 0.3 s for o200k_base): once per process, on first use.
    private static readonly Lazy<Tokenizer> O200k = new(() => TiktokenTokenizer.CreateForEncoding(ModelFamily.O200kBase));
    private static readonly Lazy<Tokenizer> Cl100k = new(() => TiktokenTokenizer.CreateForEncoding(ModelFamily.Cl100kBase));
    private static readonly TokenCounter O200kCounter = new(ModelFamily.O200kBase, O200k);
    private static readonly TokenCounter Cl100kCounter = new(ModelFamily.Cl100kBase, Cl100k);

    // A token is rarely longer than this many characters of the whitespace-collapsed text a digest holds, so a
    // prefix this long per wanted token is nearly always enough to truncate from; when it is not, it is widened.
    private const int CharactersPerTokenBound = 8;

    private readonly Lazy<Tokenizer>? _tokenizer;

    private TokenCounter(string encoding, Lazy<Tokenizer>? tokenizer)
    {
        Encoding = encoding;
        _tokenizer = tokenizer;
    }

    // For models without a known tokenizer, and the offline categorizer.
    public static TokenCounter Estimate { get; } = new("estimate", null);

    // The counter for a model: exact for OpenAI's families (dated names included), else the estimate.
    public static TokenCounter For(string? model) => ModelFamily.Of(model).Encoding switch
    {
        ModelFamily.O200kBase => O200kCounter,
        ModelFamily.Cl100kBase => Cl100kCounter,
        _ => Estimate,
    };

    // o200k_base, cl100k_base, or estimate.
    public string Encoding { get; }

    public bool IsExact => _tokenizer is not null;

    // How a person is told where a token figure comes from.
    public string Description => IsExact ? $"counted with {Encoding}" : "estimated";

    public int Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return _tokenizer is null ? TokenEstimate.Of(text) : _tokenizer.Value.CountTokens(text);
    }

    // The longest prefix within maxTokens, cut at a word boundary when one is near.
    public string Truncate(string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (_tokenizer is null) return TokenEstimate.Truncate(text, maxTokens);
        if (maxTokens <= 0) return "";

        // Only a prefix is tokenized, so a long pasted message costs no more than a short one.
        var window = Math.Min(text.Length, maxTokens * CharactersPerTokenBound + 16);
        int end;
        while (true)
        {
            end = _tokenizer.Value.GetIndexByTokenCount(text.AsSpan(0, window), maxTokens, out _, out _);
            if (end < window || window == text.Length) break;
            window = Math.Min(text.Length, window * 2);
        }
        if (end >= text.Length) return text;
        if (end > 0 && char.IsHighSurrogate(text[end - 1])) end--;
        return TokenEstimate.BackOffToWord(text, end);
    }
}
