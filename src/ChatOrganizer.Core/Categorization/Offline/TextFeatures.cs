namespace ChatOrganizer.Categorization.Offline;

// What the offline engine knows of one text: its vector, its terms (for keywords and reasons), its runs of
// Han, kana and Hangul (for keywords written in those scripts) and its hashed n-grams (for comparing texts of one run).
internal sealed class TextFeatures
{
    public float[] Vector { get; set; } = [];

    // Term to how often it came, whether in the title, and the word the text wrote (여행 for "travel").
    public Dictionary<string, TermHit> Terms { get; } = new(StringComparer.Ordinal);

    public List<ScriptRun> Runs { get; } = [];

    // Latin-script words read per language (for "discover topics", which centres each language apart).
    public int[] LatinWords { get; } = new int[Enum.GetValues<LatinLanguage>().Length];

    public Dictionary<int, float> Grams { get; } = [];

    public List<WeightedPiece> Pieces { get; } = [];

    public ShapeCues Shape { get; set; }

    // The example bank's votes per inventory topic (ExampleBank.TopicVotes); empty when not asked.
    public float[] TopicVotes { get; set; } = [];

    public void AddTerm(string term, string surface, bool inTitle, float weight)
    {
        if (!Terms.TryGetValue(term, out var hit)) Terms[term] = hit = new TermHit(surface);
        hit.Count++;
        hit.Weight += weight;
        hit.InTitle |= inTitle;
    }
}

internal sealed class TermHit(string surface)
{
    public string Surface { get; } = surface;
    public int Count { get; set; }
    public float Weight { get; set; }
    public bool InTitle { get; set; }
}

// Builds TextFeatures from a digest's title and lines, or a category's parts.
internal static class FeatureReader
{
    private const int GramBuckets = 1 << 20;

    public static TextFeatures ForDigest(TextAnalyzer analyzer, string title, string text, OfflineTuning tuning)
    {
        var features = new TextFeatures { Shape = TextShape.Read(title, text) };
        foreach (var (body, weight, inTitle) in Parts(title, text, tuning)) Add(features, analyzer.Analyze(body), weight, inTitle, tuning);
        return features;
    }

    // Only what the embedding reads of a digest (ForDigest's pieces): a conversation's vector for "similar
    // conversations" needs none of its terms, n-grams or shape, which cost the read step several times the pieces.
    public static List<WeightedPiece> PiecesForDigest(TextAnalyzer analyzer, string title, string text, OfflineTuning tuning)
    {
        var pieces = new List<WeightedPiece>();
        foreach (var (body, weight, _) in Parts(title, text, tuning)) AddPieces(pieces, Readable(analyzer.Analyze(body), tuning), weight, tuning);
        return pieces;
    }

    // The title, then each line of the text weighted by who wrote it.
    private static IEnumerable<(string Body, float Weight, bool InTitle)> Parts(string title, string text, OfflineTuning tuning)
    {
        yield return (title, tuning.TitleWeight, true);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            yield return line switch
            {
                _ when line.StartsWith("User:", StringComparison.Ordinal) => (line[5..], 1f, false),
                _ when line.StartsWith("Assistant:", StringComparison.Ordinal) => (line[10..], tuning.AnswerWeight, false),
                _ => (line, 1f, false),
            };
        }
    }

    public static void Add(TextFeatures features, AnalyzedText analyzed, float weight, bool inTitle, OfflineTuning tuning)
    {
        analyzed = Readable(analyzed, tuning);
        AddPieces(features.Pieces, analyzed, weight, tuning);
        var latin = analyzed.LatinText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        features.LatinWords[(int)analyzed.Language] += analyzed.Words.Count;
        for (var i = 0; i < analyzed.Words.Count; i++)
        {
            if (Terms.Of(analyzed.Words[i]) is not { } term) continue;
            features.AddTerm(term, i < latin.Length ? latin[i] : term, inTitle, weight);
            AddGram(features, "w:" + term, weight);
        }
        foreach (var gloss in analyzed.Glosses)
        {
            foreach (var word in Terms.EnglishWords(gloss.English))
            {
                if (Terms.Of(word) is not { } term) continue;
                features.AddTerm(term, gloss.Surface, inTitle, weight);
                AddGram(features, "w:" + term, weight);
            }
        }
        foreach (var run in analyzed.Runs)
        {
            features.Runs.Add(run);
            // Character pairs compare Chinese and Japanese without a word list; a Hangul word's pairs, and its first
            // two syllables (the noun before its particle, mostly), do the same for Korean.
            var chars = run.Text;
            if (chars.Length == 1) AddGram(features, "c:" + chars, weight);
            for (var i = 0; i + 1 < chars.Length; i++) AddGram(features, "c:" + chars.Substring(i, 2), weight);
            if (run.Script == Script.Hangul && chars.Length > 2) AddGram(features, "h:" + chars[..2], weight);
        }
    }

    private static AnalyzedText Readable(AnalyzedText analyzed, OfflineTuning tuning) =>
        tuning.UseGlosses ? analyzed : analyzed with { Glosses = [] };

    private static void AddPieces(List<WeightedPiece> pieces, AnalyzedText analyzed, float weight, OfflineTuning tuning)
    {
        var foreign = analyzed.Language == LatinLanguage.English ? 1 : tuning.ForeignWordWeight;
        if (analyzed.LatinText.Length > 0) pieces.Add(new WeightedPiece(analyzed.LatinText, weight * foreign));
        if (analyzed.Glosses.Count > 0)
            pieces.Add(new WeightedPiece(string.Join(' ', analyzed.Glosses.Select(g => g.English)), weight * tuning.GlossWeight));
    }

    private static void AddGram(TextFeatures features, string gram, float weight)
    {
        var bucket = (int)(Fnv(gram) % GramBuckets);
        features.Grams[bucket] = features.Grams.GetValueOrDefault(bucket) + weight;
    }

    // Stable across processes (string.GetHashCode is not), so a run's results do not depend on the process.
    private static uint Fnv(string text)
    {
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash ^= c;
            hash *= 16777619u;
        }
        return hash;
    }
}

// Sparse vectors as dictionaries: a conversation has a few hundred n-grams.
internal static class Sparse
{
    // Weights each n-gram by its inverse document frequency over these texts (counts log-scaled), then normalises.
    public static void Weigh(IReadOnlyList<Dictionary<int, float>> all)
    {
        var documents = new Dictionary<int, int>();
        foreach (var grams in all)
            foreach (var key in grams.Keys)
                documents[key] = documents.GetValueOrDefault(key) + 1;
        var n = all.Count;
        foreach (var grams in all)
        {
            var norm = 0d;
            foreach (var key in grams.Keys.ToList())
            {
                var value = Weight(grams[key], Idf(documents[key], n));
                grams[key] = value;
                norm += value * value;
            }
            if (norm <= 0) continue;
            var scale = (float)(1 / Math.Sqrt(norm));
            foreach (var key in grams.Keys.ToList()) grams[key] *= scale;
        }
    }

    // An n-gram's inverse document frequency, smoothed: in none of the texts it weighs most, in all of them 1.
    public static float Idf(int documents, int total) => (float)(Math.Log((1.0 + total) / (1.0 + documents)) + 1);

    // An n-gram's weight in a text: its count, log-scaled, times its inverse document frequency.
    public static float Weight(float count, float idf) => MathF.Log(1 + count) * idf;

    public static float Dot(Dictionary<int, float> a, Dictionary<int, float> b)
    {
        if (a.Count > b.Count) (a, b) = (b, a);
        var sum = 0f;
        foreach (var (key, value) in a)
            if (b.TryGetValue(key, out var other)) sum += value * other;
        return sum;
    }

    public static void AddTo(Dictionary<int, float> target, Dictionary<int, float> source, float weight)
    {
        foreach (var (key, value) in source) target[key] = target.GetValueOrDefault(key) + weight * value;
    }

    public static float Norm(Dictionary<int, float> vector) => MathF.Sqrt(vector.Values.Sum(v => v * v));
}
