namespace ChatOrganizer.Categorization.Offline;

/// <summary>
/// A run's conversations in embedding space: "similar conversations" (nearest neighbours) and "discover topics"
/// (clusters named by their most distinctive words and their largest members), with no category set at all.
/// </summary>
public sealed class ConversationMap
{
    private readonly string[] _ids;
    private readonly string[] _titles;
    private readonly float[][] _vectors;
    private readonly TextFeatures[]? _features;
    private readonly Dictionary<string, int> _indexOf;

    private ConversationMap(string[] ids, string[] titles, float[][] vectors, TextFeatures[]? features)
    {
        _ids = ids;
        _titles = titles;
        _vectors = vectors;
        _features = features;
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) _indexOf.TryAdd(ids[i], i);
    }

    /// <summary>Reads and embeds the digests of one run (a job's conversations).</summary>
    public static ConversationMap Build(OfflineEngine engine, IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(digests);
        var tuning = OfflineTuning.Default;
        var features = new TextFeatures[digests.Count];
        Parallel.For(0, digests.Count, new ParallelOptions { CancellationToken = cancellationToken },
            i => features[i] = FeatureReader.ForDigest(engine.Analyzer, digests[i].Title, digests[i].Text, tuning));
        var vectors = engine.Embed([.. features.Select(f => (IReadOnlyList<WeightedPiece>)f.Pieces)], cancellationToken);
        return new ConversationMap([.. digests.Select(d => d.ConversationId)], [.. digests.Select(d => d.Title)], vectors, features);
    }

    /// <summary>A map from vectors kept elsewhere (a job's stored embeddings), for neighbours; topics need <see cref="Build"/>.</summary>
    public static ConversationMap FromVectors(IReadOnlyList<string> ids, IReadOnlyList<string> titles, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != vectors.Count || ids.Count != titles.Count) throw new ArgumentException("Every conversation needs one title and one vector.", nameof(vectors));
        return new ConversationMap([.. ids], [.. titles], [.. vectors], null);
    }

    public int Count => _ids.Length;

    /// <summary>A conversation's normalised vector (to store with a job's results).</summary>
    public IReadOnlyList<float> VectorOf(string conversationId) => _vectors[_indexOf[conversationId]];

    /// <summary>The conversations most like this one, closest first, itself left out.</summary>
    /// <exception cref="KeyNotFoundException">The conversation is not in this map.</exception>
    public IReadOnlyList<SimilarConversation> Nearest(string conversationId, int count = 5)
    {
        if (!_indexOf.TryGetValue(conversationId, out var self)) throw new KeyNotFoundException($"Conversation {conversationId} is not in this run.");
        return [.. Enumerable.Range(0, _ids.Length)
            .Where(i => i != self)
            .Select(i => new SimilarConversation(_ids[i], _titles[i], Math.Round(VectorMath.Dot(_vectors[self], _vectors[i]), 3)))
            .OrderByDescending(s => s.Similarity)
            .ThenBy(s => s.ConversationId, StringComparer.Ordinal)
            .Take(Math.Max(0, count))];
    }

    /// <summary>
    /// Clusters of the run (spherical k-means from a deterministic k-means++ start), largest first, each named by the
    /// words that are most frequent in it compared with the whole run, with the titles of its most typical members.
    /// </summary>
    /// <param name="count">How many topics; by default about the square root of half the conversations, 2 to 12.</param>
    public IReadOnlyList<DiscoveredTopic> DiscoverTopics(int? count = null, CancellationToken cancellationToken = default)
    {
        if (_features is null) throw new InvalidOperationException("Topics need the conversations' words: build the map from digests.");
        var n = _ids.Length;
        if (n == 0) return [];
        var k = Math.Clamp(count ?? (int)Math.Round(Math.Sqrt(n / 2.0)), 1, Math.Min(n, count is null ? 12 : CategorySet.MaxCategories - 1));
        var assignment = KMeans(k, cancellationToken);

        var documents = DocumentFrequencies(Enumerable.Range(0, n));
        var topics = new List<DiscoveredTopic>();
        foreach (var cluster in Enumerable.Range(0, k).Select(c => Enumerable.Range(0, n).Where(i => assignment[i] == c).ToList()).Where(c => c.Count > 0))
        {
            var inCluster = DocumentFrequencies(cluster);
            var words = inCluster
                .Where(t => t.Value >= Math.Min(2, cluster.Count))
                .Select(t => (Term: t.Key, Score: t.Value / (double)cluster.Count * Math.Log((double)n / documents[t.Key])))
                .OrderByDescending(t => t.Score).ThenBy(t => t.Term, StringComparer.Ordinal)
                .Select(t => Surface(cluster, t.Term))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .Take(3)
                .ToList();
            var centre = new float[_vectors[0].Length];
            foreach (var i in cluster) VectorMath.AddScaled(centre, _vectors[i], 1);
            VectorMath.Normalize(centre);
            var typical = cluster.OrderByDescending(i => VectorMath.Dot(centre, _vectors[i])).ThenBy(i => i).ToList();
            var name = words.Count > 0 ? string.Join(", ", words) : _titles[typical[0]];
            topics.Add(new DiscoveredTopic(name, words, [.. typical.Select(i => _ids[i])], [.. typical.Take(3).Select(i => _titles[i])]));
        }
        return [.. topics.OrderByDescending(t => t.ConversationIds.Count).ThenBy(t => t.Name, StringComparer.Ordinal)];
    }

    private int[] KMeans(int k, CancellationToken cancellationToken)
    {
        var n = _vectors.Length;
        var centres = new List<float[]> { _vectors[0] };
        var random = new Random(17); // the same export gives the same topics
        while (centres.Count < k)
        {
            var distance = _vectors.Select(v => Math.Max(0, 1 - centres.Max(c => VectorMath.Dot(v, c)))).ToArray();
            var total = distance.Sum();
            var pick = random.NextDouble() * total;
            var chosen = 0;
            for (var acc = 0d; chosen < n - 1 && (acc += distance[chosen]) < pick; chosen++) { }
            centres.Add(_vectors[chosen]);
        }
        var assignment = new int[n];
        for (var round = 0; round < 25; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var changed = false;
            for (var i = 0; i < n; i++)
            {
                var best = 0;
                for (var c = 1; c < k; c++) if (VectorMath.Dot(_vectors[i], centres[c]) > VectorMath.Dot(_vectors[i], centres[best])) best = c;
                changed |= assignment[i] != best || round == 0;
                assignment[i] = best;
            }
            if (!changed) break;
            for (var c = 0; c < k; c++)
            {
                var centre = new float[_vectors[0].Length];
                for (var i = 0; i < n; i++) if (assignment[i] == c) VectorMath.AddScaled(centre, _vectors[i], 1);
                VectorMath.Normalize(centre);
                centres[c] = centre;
            }
        }
        return assignment;
    }

    private Dictionary<string, int> DocumentFrequencies(IEnumerable<int> members)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var i in members)
            foreach (var term in _features![i].Terms.Keys)
                counts[term] = counts.GetValueOrDefault(term) + 1;
        return counts;
    }

    // The word as the conversations wrote it (여행 rather than its gloss "travel"), the most common spelling.
    private string Surface(List<int> cluster, string term) =>
        cluster.Select(i => _features![i].Terms.GetValueOrDefault(term)?.Surface).OfType<string>()
            .GroupBy(s => s, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;
}

public sealed record SimilarConversation(string ConversationId, string Title, double Similarity);

/// <param name="Name">Its most distinctive words, or its most typical title when it has none.</param>
/// <param name="ConversationIds">Its members, most typical first.</param>
/// <param name="ExampleTitles">The titles of its most typical members.</param>
public sealed record DiscoveredTopic(string Name, IReadOnlyList<string> Words, IReadOnlyList<string> ConversationIds, IReadOnlyList<string> ExampleTitles)
{
    /// <summary>The topics as a category set a person can keep: each topic a category with its words and examples, and Other.</summary>
    public static CategorySet ToCategorySet(string name, IReadOnlyList<DiscoveredTopic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var categories = new List<Category>();
        foreach (var topic in topics.Take(CategorySet.MaxCategories - 1))
        {
            var label = topic.Name.Length > CategorySet.MaxNameLength ? topic.Name[..CategorySet.MaxNameLength].TrimEnd(' ', ',') : topic.Name;
            var unique = label;
            for (var n = 2; !used.Add(unique) || CategorySet.IsOther(unique); n++) unique = $"{label} {n}";
            categories.Add(new Category(unique, $"Conversations like: {string.Join("; ", topic.ExampleTitles)}", topic.Words, topic.ExampleTitles));
        }
        return new CategorySet(name, categories);
    }
}
