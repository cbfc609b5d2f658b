namespace ChatOrganizer.Categorization.Offline;

// A run's conversations in embedding space: "similar conversations" (nearest neighbours) and "discover topics"
// (clusters named by their most distinctive words and their largest members), with no category set at all.
public sealed class ConversationMap
{
    private readonly string[] _ids;
    private readonly string[] _titles;
    private readonly float[][] _vectors;
    private readonly Dictionary<string, int> _indexOf;

    // What topics need of each conversation's words, compactly (a whole job's conversations are held at once): its
    // language, and its distinct terms (ascending) each with the word it wrote for it, as ids into _words, and its weight.
    private readonly (Script, LatinLanguage)[]? _languages;
    private readonly (int Term, int Surface, float Weight)[][]? _terms;
    private readonly List<string> _words;

    private ConversationMap(string[] ids, string[] titles, float[][] vectors, (Script, LatinLanguage)[]? languages, (int Term, int Surface, float Weight)[][]? terms, List<string>? words)
    {
        _ids = ids;
        _titles = titles;
        _vectors = vectors;
        _languages = languages;
        _terms = terms;
        _words = words ?? [];
        _indexOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++) _indexOf.TryAdd(ids[i], i);
    }

    // Read and embedded this many at a time: a text's features (n-grams, pieces, tokens) are many times its vector,
    // and only a chunk's are held at once. Measured with bench jobs-memory --mode discover (20,000 conversations).
    private const int BuildChunk = 500;

    // Reads and embeds the digests of one run (a job's conversations).
    public static ConversationMap Build(OfflineEngine engine, IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(digests);
        var tuning = OfflineTuning.Default;
        var n = digests.Count;
        var vectors = new float[n][];
        var languages = new (Script, LatinLanguage)[n];
        var terms = new (int Term, int Surface, float Weight)[n][];
        var words = new List<string>();
        var wordIds = new Dictionary<string, int>(StringComparer.Ordinal);
        int Id(string word)
        {
            if (!wordIds.TryGetValue(word, out var id)) wordIds[word] = id = AddWord(words, word);
            return id;
        }
        for (var start = 0; start < n; start += BuildChunk)
        {
            var count = Math.Min(BuildChunk, n - start);
            var features = new TextFeatures[count];
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken },
                i => features[i] = FeatureReader.ForDigest(engine.Analyzer, digests[start + i].Title, digests[start + i].Text, tuning));
            var embedded = engine.Embed([.. features.Select(f => (IReadOnlyList<WeightedPiece>)f.Pieces)], cancellationToken);
            for (var i = 0; i < count; i++)
            {
                vectors[start + i] = embedded[i];
                languages[start + i] = Language(features[i]);
                terms[start + i] = [.. features[i].Terms.Select(t => (Id(t.Key), Id(t.Value.Surface), t.Value.Weight)).OrderBy(t => t.Item1)];
            }
        }
        return new ConversationMap([.. digests.Select(d => d.ConversationId)], [.. digests.Select(d => d.Title)], vectors, languages, terms, words);
    }

    // Each digest's normalised vector alone, as Build gives it (to store for "similar conversations"): a job's read
    // step embeds every conversation, and the terms, n-grams and shape Build reads besides cost several times as much.
    public static float[][] Vectors(OfflineEngine engine, IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(digests);
        var tuning = OfflineTuning.Default;
        var vectors = new float[digests.Count][];
        for (var start = 0; start < digests.Count; start += BuildChunk)
        {
            var count = Math.Min(BuildChunk, digests.Count - start);
            var pieces = new IReadOnlyList<WeightedPiece>[count];
            Parallel.For(0, count, new ParallelOptions { CancellationToken = cancellationToken },
                i => pieces[i] = FeatureReader.PiecesForDigest(engine.Analyzer, digests[start + i].Title, digests[start + i].Text, tuning));
            engine.Embed(pieces, cancellationToken).CopyTo(vectors, start);
        }
        return vectors;
    }

    private static int AddWord(List<string> words, string word)
    {
        words.Add(word);
        return words.Count - 1;
    }

    // A map from vectors kept elsewhere (a job's stored embeddings), for neighbours; topics need Build.
    public static ConversationMap FromVectors(IReadOnlyList<string> ids, IReadOnlyList<string> titles, IReadOnlyList<float[]> vectors)
    {
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count != vectors.Count || ids.Count != titles.Count) throw new ArgumentException("Every conversation needs one title and one vector.", nameof(vectors));
        return new ConversationMap([.. ids], [.. titles], [.. vectors], null, null, null);
    }

    public int Count => _ids.Length;

    // A conversation's normalised vector (to store with a job's results).
    public IReadOnlyList<float> VectorOf(string conversationId) => _vectors[_indexOf[conversationId]];

    // The conversations most like this one, closest first, itself left out.
    // Throws KeyNotFoundException The conversation is not in this map.
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

    // Clusters of the run, largest first, each named by the words most frequent in it compared with the whole run (as
    // its conversations wrote them), with the titles of its most typical members; conversations far from every centre
    // make a last "rest" topic (DiscoveredTopic.IsRest).
    //
    // count: How many topics; by default the best silhouette from 2 to MaxTopics.
    public IReadOnlyList<DiscoveredTopic> DiscoverTopics(int? count = null, CancellationToken cancellationToken = default)
    {
        if (_terms is null) throw new InvalidOperationException("Topics need the conversations' words: build the map from digests.");
        var n = _ids.Length;
        if (n == 0) return [];
        var points = CentredByScript();
        var k = count is { } asked ? Math.Clamp(asked, 1, Math.Min(n, CategorySet.MaxCategories - 1)) : ChooseTopicCount(points, cancellationToken);
        var (assignment, centres) = KMeans(points, k, cancellationToken);

        // Far from every centre: less than half as close to its own as the run's typical member is.
        var closeness = Enumerable.Range(0, n).Select(i => VectorMath.Dot(points[i], centres[assignment[i]])).ToArray();
        var sorted = closeness.Order().ToArray();
        var restBelow = n >= MinConversationsForRest ? sorted[n / 2] * RestShareOfMedian : float.NegativeInfinity;

        var documents = DocumentFrequencies(Enumerable.Range(0, n));
        var topics = new List<DiscoveredTopic>();
        for (var c = 0; c < k; c++)
        {
            var cluster = Enumerable.Range(0, n).Where(i => assignment[i] == c && closeness[i] >= restBelow)
                .OrderByDescending(i => closeness[i]).ThenBy(i => i).ToList();
            if (cluster.Count == 0) continue;
            var words = DistinctiveWords(cluster, documents);
            var name = words.Count > 0 ? string.Join(", ", words) : TitleWords(cluster[0]);
            topics.Add(new DiscoveredTopic(name, words, [.. cluster.Select(i => _ids[i])], [.. cluster.Take(3).Select(i => _titles[i])]));
        }
        topics = [.. topics.OrderByDescending(t => t.ConversationIds.Count).ThenBy(t => t.Name, StringComparer.Ordinal)];
        var rest = Enumerable.Range(0, n).Where(i => closeness[i] < restBelow).ToList();
        if (rest.Count > 0)
        {
            topics.Add(new DiscoveredTopic(CategorySet.OtherName, [], [.. rest.Select(i => _ids[i])], [.. rest.Take(3).Select(i => _titles[i])]) { IsRest = true });
        }
        return topics;
    }

    public const int MaxTopics = 15;
    private const int MinConversationsForRest = 20;
    private const float RestShareOfMedian = 0.5f;

    // Silhouette on this many conversations at most: its cost grows with the square of them.
    private const int SilhouetteSample = 1000;

    private List<string> DistinctiveWords(List<int> cluster, Dictionary<int, int> documents)
    {
        var n = _ids.Length;
        return [.. DocumentFrequencies(cluster)
            .Where(t => t.Value >= Math.Min(2, cluster.Count) && !Terms.NamesNothing(_words[t.Key]))
            .Select(t => (Term: t.Key, Score: t.Value / (double)cluster.Count * Math.Log((double)n / documents[t.Key])))
            // A topic that is the whole run (an export of one or two conversations) has no word more frequent in it than
            // elsewhere: its weightiest words (the title's first) name it rather than the alphabet's first.
            .OrderByDescending(t => t.Score).ThenByDescending(t => t.Score == 0 ? cluster.Sum(i => WeightIn(i, t.Term)) : 0).ThenBy(t => _words[t.Term], StringComparer.Ordinal)
            .Select(t => Surface(cluster, t.Term))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Take(3)];
    }

    // A topic with no word of its own shared by two members: its most typical title's own words, else the title.
    private static readonly char[] TitlePunctuation = ['?', '!', '.', ',', ':', ';', '"', '\'', '¿', '¡', '(', ')', '？', '！', '。', '，'];

    private string TitleWords(int member)
    {
        var words = _titles[member].Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(w => w.Trim(TitlePunctuation))
            .Where(w => Terms.Of(TextAnalyzer.Fold(w)) is { } term && !Terms.NamesNothing(term)).ToList();
        return words.Count > 0 ? string.Join(' ', words) : _titles[member];
    }

    // Each script's own mean taken away: conversations in one language share a direction whatever they are about, and
    // without this a mixed history clusters by language instead of by topic.
    private float[][] CentredByScript()
    {
        var n = _vectors.Length;
        var dimensions = _vectors[0].Length;
        var scripts = _languages!;
        var means = new Dictionary<(Script, LatinLanguage), float[]>();
        var overall = Mean(Enumerable.Range(0, n), dimensions);
        foreach (var group in Enumerable.Range(0, n).GroupBy(i => scripts[i]))
        {
            means[group.Key] = group.Count() >= 5 ? Mean(group, dimensions) : overall;
        }
        var points = new float[n][];
        for (var i = 0; i < n; i++)
        {
            var point = (float[])_vectors[i].Clone();
            VectorMath.AddScaled(point, means[scripts[i]], -1);
            VectorMath.Normalize(point);
            points[i] = point;
        }
        return points;
    }

    private float[] Mean(IEnumerable<int> members, int dimensions)
    {
        var mean = new float[dimensions];
        var count = 0;
        foreach (var i in members)
        {
            VectorMath.AddScaled(mean, _vectors[i], 1);
            count++;
        }
        for (var d = 0; d < dimensions; d++) mean[d] /= Math.Max(1, count);
        return mean;
    }

    // The script most of the text is in, and for Latin script the language (Spanish and German words point apart too).
    private static (Script, LatinLanguage) Language(TextFeatures features)
    {
        var letters = features.Runs.GroupBy(r => r.Script).ToDictionary(g => g.Key, g => g.Sum(r => r.Text.Length));
        // Japanese writes Han between its kana: a tenth of kana makes it Japanese rather than Chinese.
        if (letters.ContainsKey(Script.Kana) && letters[Script.Kana] * 10 >= letters.Values.Sum()) return (Script.Kana, LatinLanguage.English);
        // A Latin word stands for about two Han or Hangul characters.
        letters[Script.Latin] = 2 * features.LatinWords.Sum();
        var script = letters.OrderByDescending(l => l.Value).ThenBy(l => l.Key).First().Key;
        var language = Enum.GetValues<LatinLanguage>().MaxBy(l => features.LatinWords[(int)l]);
        return (script, script == Script.Latin ? language : LatinLanguage.English);
    }

    // The count with the best mean silhouette (cosine distance), on an evenly spread sample of the run.
    private static int ChooseTopicCount(float[][] points, CancellationToken cancellationToken)
    {
        var n = points.Length;
        if (n < 4) return Math.Min(n, 2);
        var step = Math.Max(1, n / SilhouetteSample);
        var sample = Enumerable.Range(0, n).Where(i => i % step == 0).Take(SilhouetteSample).Select(i => points[i]).ToArray();
        var m = sample.Length;
        var distance = new float[m, m];
        Parallel.For(0, m, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            for (var j = 0; j < m; j++) distance[i, j] = 1 - VectorMath.Dot(sample[i], sample[j]);
        });
        var (bestK, bestScore) = (2, double.NegativeInfinity);
        for (var k = 2; k <= Math.Min(MaxTopics, m - 1); k++)
        {
            var (assignment, _) = KMeans(sample, k, cancellationToken);
            var score = Silhouette(distance, assignment, k);
            if (score > bestScore + 1e-9) (bestK, bestScore) = (k, score);
        }
        return bestK;
    }

    private static double Silhouette(float[,] distance, int[] assignment, int k)
    {
        var m = assignment.Length;
        var sizes = new int[k];
        foreach (var a in assignment) sizes[a]++;
        var total = 0d;
        var sums = new double[k];
        for (var i = 0; i < m; i++)
        {
            Array.Clear(sums);
            for (var j = 0; j < m; j++) if (j != i) sums[assignment[j]] += distance[i, j];
            var own = assignment[i];
            if (sizes[own] <= 1) continue; // a lone member scores 0
            var a = sums[own] / (sizes[own] - 1);
            var b = double.PositiveInfinity;
            for (var c = 0; c < k; c++) if (c != own && sizes[c] > 0) b = Math.Min(b, sums[c] / sizes[c]);
            if (double.IsInfinity(b)) continue;
            total += (b - a) / Math.Max(a, b);
        }
        return total / m;
    }

    // Spherical k-means from a deterministic k-means++ start: the same export gives the same topics.
    private static (int[] Assignment, float[][] Centres) KMeans(float[][] points, int k, CancellationToken cancellationToken)
    {
        var n = points.Length;
        var dimensions = points[0].Length;
        var centres = new float[k][];
        centres[0] = points[0];
        var random = new Random(17);
        var closest = points.Select(p => VectorMath.Dot(p, centres[0])).ToArray();
        for (var c = 1; c < k; c++)
        {
            var distance = closest.Select(s => (double)Math.Max(0, 1 - s)).ToArray();
            var pick = random.NextDouble() * distance.Sum();
            var chosen = 0;
            for (var acc = 0d; chosen < n - 1 && (acc += distance[chosen]) < pick; chosen++) { }
            centres[c] = points[chosen];
            for (var i = 0; i < n; i++) closest[i] = Math.Max(closest[i], VectorMath.Dot(points[i], centres[c]));
        }
        var assignment = new int[n];
        for (var round = 0; round < 30; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var changed = 0;
            Parallel.For(0, n, i =>
            {
                var best = 0;
                var bestSimilarity = float.NegativeInfinity;
                for (var c = 0; c < k; c++)
                {
                    var similarity = VectorMath.Dot(points[i], centres[c]);
                    if (similarity > bestSimilarity) (best, bestSimilarity) = (c, similarity);
                }
                if (assignment[i] != best || round == 0) Interlocked.Increment(ref changed);
                assignment[i] = best;
            });
            if (changed == 0 && round > 0) break;
            var sums = new float[k][];
            for (var c = 0; c < k; c++) sums[c] = new float[dimensions];
            for (var i = 0; i < n; i++) VectorMath.AddScaled(sums[assignment[i]], points[i], 1);
            for (var c = 0; c < k; c++)
            {
                if (sums[c].All(x => x == 0)) continue; // an empty cluster keeps its centre
                VectorMath.Normalize(sums[c]);
                centres[c] = sums[c];
            }
        }
        return (assignment, centres);
    }

    private Dictionary<int, int> DocumentFrequencies(IEnumerable<int> members)
    {
        var counts = new Dictionary<int, int>();
        foreach (var i in members)
            foreach (var (term, _, _) in _terms![i])
                counts[term] = counts.GetValueOrDefault(term) + 1;
        return counts;
    }

    // The word as the conversations wrote it (여행 rather than its gloss "travel"), the most common spelling.
    private string Surface(List<int> cluster, int term) =>
        cluster.Select(i => SurfaceIn(i, term)).OfType<string>()
            .GroupBy(s => s, StringComparer.OrdinalIgnoreCase).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).First().Key;

    private string? SurfaceIn(int member, int term) => Find(member, term) is { } at ? _words[_terms![member][at].Surface] : null;

    private float WeightIn(int member, int term) => Find(member, term) is { } at ? _terms![member][at].Weight : 0;

    private int? Find(int member, int term)
    {
        var terms = _terms![member];
        var (low, high) = (0, terms.Length - 1);
        while (low <= high)
        {
            var middle = (low + high) / 2;
            if (terms[middle].Term == term) return middle;
            if (terms[middle].Term < term) low = middle + 1;
            else high = middle - 1;
        }
        return null;
    }
}

public sealed record SimilarConversation(string ConversationId, string Title, double Similarity);

// Name: Its most distinctive words, or its most typical title when it has none.
// ConversationIds: Its members, most typical first.
// ExampleTitles: The titles of its most typical members.
public sealed record DiscoveredTopic(string Name, IReadOnlyList<string> Words, IReadOnlyList<string> ConversationIds, IReadOnlyList<string> ExampleTitles)
{
    // The conversations close to no topic, named Other; it becomes the set's catch-all, not a category.
    public bool IsRest { get; init; }

    // Why a conversation is under this topic, for a person to read beside it.
    public string Reason => IsRest ? "close to none of the topics found" : $"one of {ConversationIds.Count:N0} conversations about {Name}";

    // The topics as a category set a person can keep: each topic a category with its words and examples, and Other.
    public static CategorySet ToCategorySet(string name, IReadOnlyList<DiscoveredTopic> topics)
    {
        ArgumentNullException.ThrowIfNull(topics);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var categories = new List<Category>();
        foreach (var topic in topics.Where(t => !t.IsRest).Take(CategorySet.MaxCategories - 1))
        {
            var label = topic.Name.Length > CategorySet.MaxNameLength ? topic.Name[..CategorySet.MaxNameLength].TrimEnd(' ', ',') : topic.Name;
            var unique = label;
            for (var n = 2; !used.Add(unique) || CategorySet.IsOther(unique); n++) unique = $"{label} {n}";
            categories.Add(new Category(unique, $"Conversations like: {string.Join("; ", topic.ExampleTitles)}", topic.Words, topic.ExampleTitles));
        }
        return new CategorySet(name, categories);
    }
}
