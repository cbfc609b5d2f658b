using System.Text.Json;

namespace ChatOrganizer.Categorization.Offline;

// Short written openings of conversations about each topic of the inventory (Examples/bank-*.jsonl, embedded: about 40 a
// topic in English, Spanish, German, Chinese, Korean and Japanese, written for the project without sight of any evaluation
// set; Examples/GUIDE.md is how). A conversation's nearest examples vote for their topics, and a category gets the votes
// of the topics its name says (its description's, weaker): labelled neighbours for a set that has none of its own.
internal sealed class ExampleBank
{
    private static readonly Lazy<IReadOnlyList<BankExample>> Written = new(Load);

    private readonly int _dimensions;
    private readonly float[] _vectors; // one row per example
    private readonly int[] _topics;
    private readonly Dictionary<int, List<(int Example, float Weight)>> _grams = [];
    private readonly Dictionary<int, float> _idf = [];
    private readonly float _unseenIdf;
    private readonly int _topicCount;

    public ExampleBank(OfflineEngine engine, OfflineTuning tuning)
    {
        var examples = Examples;
        var inventory = TopicInventory.Shared.Topics;
        _topicCount = inventory.Count;
        _dimensions = engine.Dimensions;
        _topics = [.. examples.Select(e => IndexOf(inventory, e.Topic))];

        var features = new TextFeatures[examples.Count];
        Parallel.For(0, examples.Count, i => features[i] = FeatureReader.ForDigest(engine.Analyzer, examples[i].Title, $"User: {examples[i].User}", tuning));
        var vectors = engine.Embed([.. features.Select(f => (IReadOnlyList<WeightedPiece>)f.Pieces)], CancellationToken.None);
        _vectors = new float[examples.Count * _dimensions];
        for (var i = 0; i < vectors.Length; i++) vectors[i].CopyTo(_vectors, i * _dimensions);

        // n-grams weighted by their inverse frequency among the examples, so a conversation is compared with them the
        // same way whichever run it comes in.
        var documents = new Dictionary<int, int>();
        foreach (var f in features)
            foreach (var gram in f.Grams.Keys)
                documents[gram] = documents.GetValueOrDefault(gram) + 1;
        foreach (var (gram, count) in documents) _idf[gram] = Sparse.Idf(count, examples.Count);
        _unseenIdf = Sparse.Idf(0, examples.Count);
        for (var i = 0; i < features.Length; i++)
        {
            var weighted = Weigh(features[i].Grams);
            foreach (var (gram, weight) in weighted)
            {
                if (!_grams.TryGetValue(gram, out var postings)) _grams[gram] = postings = [];
                postings.Add((i, weight));
            }
        }
    }

    // The written examples, in file order.
    public static IReadOnlyList<BankExample> Examples => Written.Value;

    // How much each topic of the inventory (by index) the conversation's nearest examples vote for: the
    // neighbours closest by vector and n-gram similarity, each weighing e^((similarity - the closest's)
    // / temperature); the votes sum to 1 when the closest is at least twice floor, less below, 0 at it.
    public float[] TopicVotes(TextFeatures features, int neighbours, float temperature, float gramShare, float floor, int except = -1)
    {
        var nearest = Nearest(features, neighbours, gramShare, except);
        var votes = new float[_topicCount];
        if (nearest.Length == 0) return votes;
        var closest = nearest[0].Similarity;
        var total = 0f;
        foreach (var (example, similarity) in nearest)
        {
            var vote = MathF.Exp((similarity - closest) / temperature);
            votes[_topics[example]] += vote;
            total += vote;
        }
        // Far from every example, the nearest ones say little: nothing at the floor, everything from twice the floor on.
        var closeness = floor <= 0 ? 1 : Math.Clamp((closest - floor) / floor, 0, 1);
        for (var t = 0; t < votes.Length; t++) votes[t] *= closeness / total;
        return votes;
    }

    // The examples closest to the conversation, closest first: the weighted mean of vector and n-gram cosine.
    // except: An example to leave out (the benchmark reads the bank itself this way); -1 for none.
    public (int Example, float Similarity)[] Nearest(TextFeatures features, int count, float gramShare, int except = -1)
    {
        var examples = _topics.Length;
        var similarity = new float[examples];
        var vector = features.Vector.AsSpan();
        for (var e = 0; e < examples; e++) similarity[e] = (1 - gramShare) * VectorMath.Dot(vector, _vectors.AsSpan(e * _dimensions, _dimensions));
        foreach (var (gram, weight) in Weigh(features.Grams))
        {
            if (!_grams.TryGetValue(gram, out var postings)) continue;
            foreach (var (example, exampleWeight) in postings) similarity[example] += gramShare * weight * exampleWeight;
        }
        if ((uint)except < (uint)examples) similarity[except] = float.MinValue;
        return [.. Largest(similarity, Math.Min(count, examples - (except >= 0 ? 1 : 0))).Select(e => (e, similarity[e]))];
    }

    // The indexes of the largest values, largest first: an insertion into a short list, cheaper than sorting them all.
    private static int[] Largest(float[] similarity, int count)
    {
        count = Math.Clamp(count, 0, similarity.Length);
        var nearest = new int[count];
        var filled = 0;
        for (var e = 0; e < similarity.Length; e++)
        {
            if (filled == count && similarity[e] <= similarity[nearest[count - 1]]) continue;
            var at = filled < count ? filled++ : count - 1;
            while (at > 0 && similarity[nearest[at - 1]] < similarity[e])
            {
                nearest[at] = nearest[at - 1];
                at--;
            }
            nearest[at] = e;
        }
        return nearest;
    }

    // Weighted by the examples' inverse document frequency (Sparse.Weight), then normalised.
    private List<(int Gram, float Weight)> Weigh(Dictionary<int, float> grams)
    {
        var weighted = new List<(int, float)>(grams.Count);
        var norm = 0f;
        foreach (var (gram, count) in grams)
        {
            var weight = Sparse.Weight(count, _idf.GetValueOrDefault(gram, _unseenIdf));
            weighted.Add((gram, weight));
            norm += weight * weight;
        }
        if (norm <= 0) return weighted;
        var scale = 1 / MathF.Sqrt(norm);
        for (var i = 0; i < weighted.Count; i++) weighted[i] = (weighted[i].Item1, weighted[i].Item2 * scale);
        return weighted;
    }

    private static int IndexOf(IReadOnlyList<Topic> topics, string label)
    {
        for (var t = 0; t < topics.Count; t++) if (topics[t].Label == label) return t;
        throw new InvalidDataException($"The example bank names a topic '{label}' that Topics.txt does not have.");
    }

    private static IReadOnlyList<BankExample> Load()
    {
        var assembly = typeof(ExampleBank).Assembly;
        var examples = new List<BankExample>();
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Examples.", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var line = 0;
            while (reader.ReadLine() is { } text)
            {
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                var example = JsonSerializer.Deserialize<BankExample>(text, json);
                if (example is not { Topic.Length: > 0, Title: not null, User.Length: > 0 })
                    throw new InvalidDataException($"{name}, line {line}: an example needs a topic, a title and the person's message.");
                examples.Add(example);
            }
        }
        return examples;
    }
}

// Lang: en, es, de, zh, ko or ja.
// User: The person's first message.
internal sealed record BankExample(string Topic, string Lang, string Title, string User);
