using System.Text.RegularExpressions;

using ChatOrganizer.Categorization;

namespace ChatOrganizer.Benchmarks;

// The offline categorizer before issue 10, kept as the benchmark's baseline: a lexical scorer over the digest that counts each
// category's name, description and keyword words. Works for any set; results say CategorizationEngine.Offline.
public sealed partial class KeywordBaseline
{
    // Title words say more about the topic than any one word of the text.
    private const double TitleWeight = 2;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "could", "do", "for", "from",
        "get", "has", "have", "help", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "make", "me",
        "more", "my", "need", "not", "of", "on", "or", "other", "others", "please", "should", "so", "some", "that",
        "the", "their", "them", "then", "there", "these", "they", "this", "to", "up", "use", "want", "was", "what",
        "when", "which", "why", "will", "with", "would", "you", "your", "also", "anything", "fits", "none", "above",
        "one", "big",
    };

    private readonly CategorySet _set;
    private readonly IReadOnlyList<Category> _categories;

    // Word to weight per category: a word listed by several categories counts 1/n for each, so words
    // shared by Travel and Finance ("budget") decide less than words only one category has.
    private readonly Dictionary<string, double>[] _weights;

    public KeywordBaseline(CategorySet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        _set = set;
        _categories = set.EffectiveCategories;
        var words = _categories.Select(c => Words(c).ToHashSet(StringComparer.Ordinal)).ToArray();
        var listedBy = words.SelectMany(w => w).GroupBy(w => w, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        _weights = words
            .Select(set => set.ToDictionary(w => w, w => 1.0 / listedBy[w], StringComparer.Ordinal))
            .ToArray();
    }

    public CategoryAssignment Categorize(ConversationDigest digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        var scores = new double[_categories.Count];
        Score(digest.Title, TitleWeight, scores);
        Score(digest.Text, 1, scores);

        var best = -1;
        for (var i = 0; i < scores.Length; i++)
        {
            if (scores[i] > 0 && (best < 0 || scores[i] > scores[best])) best = i;
        }
        if (best >= 0) return Categorized(digest, _categories[best].Name);

        return _set.Find(CategorySet.OtherName) is { } other
            ? Categorized(digest, other.Name)
            : new CategoryAssignment(digest.ConversationId, CategorizationStatus.Failed, null, CategorizationEngine.Offline, null,
                "The offline categorizer found no word of any category in this conversation, and the set has no Other.");
    }

    private static CategoryAssignment Categorized(ConversationDigest digest, string category) =>
        new(digest.ConversationId, CategorizationStatus.Categorized, category, CategorizationEngine.Offline, null, null);

    // Repeating a word has diminishing returns (1 + ln n), so one word said ten times cannot outvote five different ones.
    private void Score(string text, double weight, double[] scores)
    {
        var counts = Tokens(text).GroupBy(t => t, StringComparer.Ordinal).Select(g => (Word: g.Key, Count: g.Count()));
        foreach (var (word, count) in counts)
        {
            var repeat = 1 + Math.Log(count);
            for (var i = 0; i < _weights.Length; i++)
            {
                if (_weights[i].TryGetValue(word, out var w)) scores[i] += weight * w * repeat;
            }
        }
    }

    private static IEnumerable<string> Words(Category category) =>
        Tokens(category.Name)
            .Concat(Tokens(category.Description ?? ""))
            .Concat((category.Keywords ?? []).SelectMany(Tokens));

    private static IEnumerable<string> Tokens(string text) =>
        WordPattern().Matches(text.ToLowerInvariant())
            .Select(m => Stem(m.Value))
            .Where(w => w.Length > 1 && !StopWords.Contains(w));

    // Enough stemming for plurals to meet their singulars; both sides go through it, so it need only be consistent.
    private static string Stem(string word) => word switch
    {
        { Length: > 4 } when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        { Length: > 3 } when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) => word[..^1],
        _ => word,
    };

    [GeneratedRegex(@"[\p{L}\p{N}#+]+")]
    private static partial Regex WordPattern();
}
