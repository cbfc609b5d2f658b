using System.Globalization;

namespace ChatOrganizer.Categorization.Offline;

// A conversation a person filed under a category: the offline categorizer's nearest neighbours beside the descriptions.
public sealed record LabelledExample(ConversationDigest Digest, string Category);

// Files conversations with no network: the digest and every category (name, description, keywords, examples) are
// embedded and compared; keyword evidence (in any script, through the gloss lexicon), the votes of the example bank's
// nearest openings (ExampleBank) and the shape of the opening (TextShape) point at topics of
// the inventory, which the categories that name them receive; the person's labelled examples are nearest neighbours; a
// run can refine its uncertain conversations by the confident ones of the same export (off by default). The set's
// catch-all only when nothing is close enough. Every assignment carries a calibrated confidence and a reason.
public sealed class OfflineCategorizer
{
    // Conversations read as one run by a caller that streams them (BatchCategorizer): enough for the confident ones to
    // teach the rest, few enough to keep their features small (about 20 MB).
    public const int RunSize = 2000;

    private const int ReasonWords = 3;

    private readonly OfflineEngine _engine;
    private readonly OfflineTuning _tuning;
    private readonly Category[] _candidates;
    private readonly Category? _catchAll;
    private readonly float[][] _vectors;
    private readonly Dictionary<string, float>[] _terms;
    private readonly List<(Topic Topic, float Share)>[] _topics;
    private readonly float[][] _shapeShares;
    private readonly float[][] _topicShares; // per category, per inventory topic
    private readonly PhraseTrie<List<(int Category, float Weight)>> _nativeTerms = new();
    private readonly List<(TextFeatures Features, int Category, string Title)> _examples = [];

    public OfflineCategorizer(CategorySet set, OfflineEngine engine, IReadOnlyList<LabelledExample>? examples = null)
        : this(set, engine, examples, OfflineTuning.Default)
    {
    }

    internal OfflineCategorizer(CategorySet set, OfflineEngine engine, IReadOnlyList<LabelledExample>? examples, OfflineTuning tuning)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(engine);
        _engine = engine;
        _tuning = tuning;
        _catchAll = set.CatchAll;
        _candidates = [.. set.EffectiveCategories.Where(c => c != _catchAll)];
        if (_candidates.Length == 0) _candidates = [.. set.EffectiveCategories];
        (_vectors, _terms, _topics) = ReadCategories();
        var inventory = TopicInventory.Shared.Topics;
        _topicShares = [.. _topics.Select(topics => inventory.Select(topic => topics.Where(t => t.Topic == topic).Sum(t => t.Share)).ToArray())];
        _shapeShares = [.. _topics.Select(topics => Enumerable.Range(0, TextShape.Cues)
            .Select(cue => TextShape.Points.Where(p => p.Cue == cue).Sum(p => p.Sign * topics.Where(t => t.Topic.Label == p.Topic).Sum(t => t.Share)))
            .ToArray())];

        foreach (var example in examples ?? [])
        {
            var index = Array.FindIndex(_candidates, c => string.Equals(c.Name, example.Category.Trim(), StringComparison.OrdinalIgnoreCase));
            if (index < 0) continue; // filed under a category this set does not have, or under its catch-all
            _examples.Add((FeatureReader.ForDigest(engine.Analyzer, example.Digest.Title, example.Digest.Text, tuning), index, example.Digest.Title));
        }
        if (_examples.Count > 0)
        {
            var vectors = engine.Embed([.. _examples.Select(e => (IReadOnlyList<WeightedPiece>)Pieces(e.Features))], CancellationToken.None);
            for (var i = 0; i < _examples.Count; i++) _examples[i].Features.Vector = vectors[i];
        }
    }

    // One assignment per digest, in order. The digests of one call refine one another: give a whole run at once.
    public IReadOnlyList<CategoryAssignment> Categorize(IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken = default)
    {
        return [.. Run(digests, cancellationToken).Select(r => r.Assignment)];
    }

    // The assignments with the scores behind them (the benchmark fits the confidence map on these).
    internal IReadOnlyList<(CategoryAssignment Assignment, Scored Scores)> Run(IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(digests);
        if (digests.Count == 0) return [];
        var features = Read(digests, cancellationToken);
        var scored = Score(features);
        return [.. scored.Select((s, i) => (Assign(digests[i], features[i], s), s))];
    }

    public CategoryAssignment Categorize(ConversationDigest digest) => Categorize([digest])[0];

    // The features of a run's digests, vectors included (neighbours and topics reuse them).
    internal TextFeatures[] Read(IReadOnlyList<ConversationDigest> digests, CancellationToken cancellationToken)
    {
        var features = new TextFeatures[digests.Count];
        Parallel.For(0, digests.Count, new ParallelOptions { CancellationToken = cancellationToken },
            i => features[i] = FeatureReader.ForDigest(_engine.Analyzer, digests[i].Title, digests[i].Text, _tuning));
        var vectors = _engine.Embed([.. features.Select(f => (IReadOnlyList<WeightedPiece>)Pieces(f))], cancellationToken);
        for (var i = 0; i < features.Length; i++) features[i].Vector = vectors[i];
        if (_tuning.BankWeight > 0 && _topicShares.Any(shares => shares.Any(share => share > 0)))
        {
            var bank = _engine.BankFor(_tuning);
            Parallel.For(0, features.Length, new ParallelOptions { CancellationToken = cancellationToken },
                i => features[i].TopicVotes = bank.TopicVotes(features[i], _tuning.BankNeighbours, _tuning.BankTemperature, _tuning.BankGramShare, _tuning.BankFloor,
                    BankExampleOf?.Invoke(digests[i].ConversationId) ?? -1));
        }
        Sparse.Weigh([.. features.Select(f => f.Grams), .. _examples.Select(e => e.Features.Grams)]);
        return features;
    }

    private static List<WeightedPiece> Pieces(TextFeatures features) => features.Pieces;

    internal Scored[] Score(TextFeatures[] features)
    {
        var n = features.Length;
        var c = _candidates.Length;
        var scored = new Scored[n];
        Parallel.For(0, n, i => scored[i] = Initial(features[i]));

        if (n >= _tuning.MinRunForRefinement && c > 1) Refine(features, scored);
        foreach (var s in scored) s.Decide(_tuning, _catchAll is not null);
        return scored;
    }

    private Scored Initial(TextFeatures features)
    {
        var c = _candidates.Length;
        var s = new Scored(c);
        for (var k = 0; k < c; k++)
        {
            s.Similarity[k] = VectorMath.Dot(features.Vector, _vectors[k]);
            s.Keywords[k] = 1 - MathF.Exp(-KeywordEvidence(features, k, s.Matched) / _tuning.KeywordSaturation);
        }
        foreach (var (example, category, title) in _examples)
        {
            var similarity = VectorMath.Dot(features.Vector, example.Vector) + Sparse.Dot(features.Grams, example.Grams);
            if (similarity / 2 <= s.Example[category]) continue;
            s.Example[category] = similarity / 2;
            s.ExampleTitle[category] = title;
        }
        for (var k = 0; k < c; k++)
        {
            var neighbour = Math.Max(0, s.Example[k] - _tuning.ExampleFloor) / (1 - _tuning.ExampleFloor);
            for (var t = 0; t < features.TopicVotes.Length; t++) s.Bank[k] += _topicShares[k][t] * features.TopicVotes[t];
            for (var cue = 0; cue < TextShape.Cues; cue++) s.Shape[k] += _shapeShares[k][cue] * _tuning.CueWeights[cue] * features.Shape[cue];
            s.Evidence[k] = s.Similarity[k] + _tuning.KeywordWeight * s.Keywords[k] + _tuning.ExampleWeight * neighbour + _tuning.ShapeWeight * s.Shape[k]
                             + _tuning.BankWeight * s.Bank[k];
            s.Final[k] = s.Evidence[k];
        }
        s.FirstChoice = ArgMax(s.Final);
        return s;
    }

    private float KeywordEvidence(TextFeatures features, int category, List<(int Category, string Surface, float Weight)> matched)
    {
        var total = 0f;
        foreach (var (term, weight) in _terms[category])
        {
            if (!features.Terms.TryGetValue(term, out var hit)) continue;
            var contribution = weight * (1 + MathF.Log(hit.Count)) * (hit.InTitle ? _tuning.TitleTermBoost : 1);
            total += contribution;
            matched.Add((category, hit.Surface, contribution));
        }
        if (_nativeTerms.IsEmpty) return total;
        foreach (var run in features.Runs)
        {
            foreach (var (start, length, targets) in _nativeTerms.Matches(run.Text))
            {
                foreach (var (target, weight) in targets)
                {
                    if (target != category) continue;
                    total += weight;
                    matched.Add((category, run.Text.Substring(start, length), weight));
                }
            }
        }
        return total;
    }

    // Transductive: categories whose scores run high for every conversation of this export are pulled back to the
    // others' level, then each category's confident members (leave-one-out) pull their like towards it, in embedding
    // space and in n-gram space, which reads every script.
    private void Refine(TextFeatures[] features, Scored[] scored)
    {
        var n = features.Length;
        var c = _candidates.Length;
        var means = new float[c];
        foreach (var s in scored)
            for (var k = 0; k < c; k++) means[k] += s.Evidence[k] / n;
        var overall = means.Average();
        foreach (var s in scored)
            for (var k = 0; k < c; k++) s.Final[k] = s.Evidence[k] - _tuning.CentringWeight * (means[k] - overall);

        var dimensions = _engine.Dimensions;
        for (var round = 0; round < _tuning.RefinementRounds; round++)
        {
            var margins = scored.Select(s => s.Margin()).Order().ToArray();
            var cut = margins[(int)Math.Clamp((1 - _tuning.ConfidentShare) * n, 0, n - 1)];
            var sums = new float[c][];
            var gramSums = new Dictionary<int, float>[c];
            var counts = new int[c];
            var members = new int[n];
            for (var k = 0; k < c; k++)
            {
                sums[k] = new float[dimensions];
                gramSums[k] = [];
            }
            for (var i = 0; i < n; i++)
            {
                members[i] = -1;
                if (scored[i].Margin() < cut) continue;
                var k = ArgMax(scored[i].Final);
                members[i] = k;
                counts[k]++;
                VectorMath.AddScaled(sums[k], features[i].Vector, 1);
                Sparse.AddTo(gramSums[k], features[i].Grams, 1);
            }
            var gramNorms = gramSums.Select(Sparse.Norm).ToArray();
            Parallel.For(0, n, i =>
            {
                var s = scored[i];
                var pull = new float[c];
                for (var k = 0; k < c; k++)
                {
                    var own = members[i] == k;
                    var count = counts[k] - (own ? 1 : 0);
                    if (count < 2) continue;
                    // Leave-one-out: a conversation's own vector is not evidence for its own category.
                    var dot = VectorMath.Dot(features[i].Vector, sums[k]) - (own ? 1 : 0);
                    var norm = MathF.Sqrt(Math.Max(1e-6f, VectorMath.Dot(sums[k], sums[k]) - (own ? 2 * VectorMath.Dot(sums[k], features[i].Vector) - 1 : 0)));
                    var gramDot = Sparse.Dot(features[i].Grams, gramSums[k]) - (own ? 1 : 0);
                    var gramNorm = own ? MathF.Sqrt(Math.Max(1e-6f, gramNorms[k] * gramNorms[k] - 2 * Sparse.Dot(features[i].Grams, gramSums[k]) + 1)) : gramNorms[k];
                    pull[k] = _tuning.CentroidWeight * dot / norm + _tuning.GramCentroidWeight * gramDot / Math.Max(gramNorm, 1e-6f);
                }
                for (var k = 0; k < c; k++) s.Final[k] = s.Evidence[k] - _tuning.CentringWeight * (means[k] - overall) + pull[k];
                s.Refined = true;
            });
        }
    }

    private CategoryAssignment Assign(ConversationDigest digest, TextFeatures features, Scored s)
    {
        var best = s.Best;
        var nearest = _candidates[best];
        var sure = Percent(s.Confidence);
        if (s.IsOther && _catchAll is { } other)
        {
            return new CategoryAssignment(digest.ConversationId, CategorizationStatus.Categorized, other.Name, CategorizationEngine.Offline, null, null)
            {
                Confidence = Math.Round(s.Confidence, 2),
                Reason = $"nothing close enough ({sure} sure): nearest was {nearest.Name}",
            };
        }

        // Below even odds the runner-up is worth naming: the person sees where the doubt lies.
        var next = s.Confidence < 0.5 ? $", {(s.Next < 0 ? _catchAll?.Name : _candidates[s.Next].Name)} next" : "";
        var reason = $"closest to {nearest.Name} ({sure} sure{next})";
        var words = ReasonWordsFor(features, s, best);
        if (words.Count > 0) reason += $"; words: {string.Join(", ", words)}";
        if (ShapeReason(features, best) is { } shape) reason += $"; {shape}";
        if (s.ExampleTitle[best] is { } title && s.Example[best] > _tuning.ExampleFloor)
            reason += $"; like \"{Shorten(title)}\", which you filed there";
        else if (BankTopic(features, best) is { } topic)
            reason += $"; reads like conversations about {topic.Label}";
        else if (s.Refined && s.FirstChoice != best)
            reason += "; like the conversations of this export filed there";
        return new CategoryAssignment(digest.ConversationId, CategorizationStatus.Categorized, nearest.Name, CategorizationEngine.Offline, null, null)
        {
            Confidence = Math.Round(s.Confidence, 2),
            Reason = reason,
        };
    }

    // The cue that counted most for the category, when it counted at least half as much as a sure cue can.
    private string? ShapeReason(TextFeatures features, int category)
    {
        var strongest = -1;
        var strength = 0.5f;
        for (var cue = 0; cue < TextShape.Cues; cue++)
        {
            var value = _shapeShares[category][cue] * _tuning.CueWeights[cue] * features.Shape[cue];
            if (value < strength) continue;
            strongest = cue;
            strength = value;
        }
        return strongest < 0 || _tuning.ShapeWeight <= 0 ? null : TextShape.Describe(strongest);
    }

    // The topic the category draws on whose written examples had most of the votes, when that is at least half of them.
    private Topic? BankTopic(TextFeatures features, int category)
    {
        if (_tuning.BankWeight <= 0) return null;
        var best = -1;
        for (var t = 0; t < features.TopicVotes.Length; t++)
            if (_topicShares[category][t] > 0 && (best < 0 || features.TopicVotes[t] > features.TopicVotes[best])) best = t;
        return best >= 0 && features.TopicVotes[best] >= 0.5f ? TopicInventory.Shared.Topics[best] : null;
    }

    // The category's keywords found in the text, strongest first, then the text's words whose vectors lean most towards it.
    private List<string> ReasonWordsFor(TextFeatures features, Scored s, int category)
    {
        var words = s.Matched.Where(m => m.Category == category).OrderByDescending(m => m.Weight)
            .Select(m => m.Surface).Distinct(StringComparer.OrdinalIgnoreCase).Take(ReasonWords).ToList();
        if (words.Count >= ReasonWords) return words;
        var candidates = features.Terms.Where(t => !words.Contains(t.Value.Surface, StringComparer.OrdinalIgnoreCase))
            .OrderByDescending(t => t.Value.Weight).Take(40).ToList();
        if (candidates.Count == 0) return words;
        var vectors = _engine.EmbedWords([.. candidates.Select(t => t.Key)], CancellationToken.None);
        var leaning = candidates.Select((t, i) => (t.Value.Surface, Score: VectorMath.Dot(vectors[i], _vectors[category]) * MathF.Sqrt(t.Value.Weight)))
            .Where(t => t.Score > 0.15f)
            .OrderByDescending(t => t.Score)
            .Select(t => t.Surface)
            .Distinct(StringComparer.OrdinalIgnoreCase);
        words.AddRange(leaning.Take(ReasonWords - words.Count));
        return words;
    }

    private (float[][] Vectors, Dictionary<string, float>[] Terms, List<(Topic Topic, float Share)>[] Topics) ReadCategories()
    {
        var analyzer = _engine.Analyzer;
        var parts = new List<(int Category, float Weight, List<WeightedPiece> Pieces)>();
        var terms = new Dictionary<string, float>[_candidates.Length];
        var nameTerms = new HashSet<string>[_candidates.Length];
        var descriptionTerms = new HashSet<string>[_candidates.Length];
        for (var k = 0; k < _candidates.Length; k++)
        {
            var category = _candidates[k];
            terms[k] = new Dictionary<string, float>(StringComparer.Ordinal);
            nameTerms[k] = Part(k, _tuning.NameWeight, _tuning.NameTermWeight, [category.Name], everyLanguage: true, native: true);
            descriptionTerms[k] = string.IsNullOrWhiteSpace(category.Description)
                ? []
                : Part(k, _tuning.DescriptionWeight, _tuning.DescriptionTermWeight, [category.Description], everyLanguage: false, native: false);
            if (category.Keywords is { Count: > 0 } keywords)
                Part(k, _tuning.KeywordsWeight, _tuning.KeywordTermWeight, keywords, everyLanguage: true, native: true);
            if (category.Examples is { Count: > 0 } examples)
                Part(k, _tuning.ExamplesWeight, 0, examples, everyLanguage: false, native: false);
        }

        // Topics a category's name says lend it their words; topics its description names, half as much, unless another
        // category's name says them ("not writing code" in Technical Support's description lends it nothing of Programming).
        var inventory = TopicInventory.Shared;
        var named = nameTerms.Select(t => inventory.Named(t).ToHashSet()).ToArray();
        var namedAnywhere = named.SelectMany(t => t).ToHashSet();
        var topics = new List<(Topic Topic, float Share)>[_candidates.Length];
        for (var k = 0; k < _candidates.Length; k++)
        {
            topics[k] = [.. named[k].Select(t => (Topic: t, Share: 1f))
                .Concat(inventory.Named(descriptionTerms[k]).Where(t => !namedAnywhere.Contains(t) && !named[k].Contains(t)).Select(t => (Topic: t, Share: 0.5f)))];
            foreach (var (topic, share) in topics[k])
                Part(k, _tuning.TopicWeight * share, _tuning.TopicTermWeight * share, [topic.Words], everyLanguage: false, native: false);
        }

        HashSet<string> Part(int k, float vectorWeight, float termWeight, IReadOnlyList<string> texts, bool everyLanguage, bool native)
        {
            var features = new TextFeatures();
            foreach (var text in texts)
            {
                var analyzed = analyzer.Analyze(text, everyLanguage);
                FeatureReader.Add(features, analyzed, 1, inTitle: false, _tuning);
                if (!native) continue;
                foreach (var run in analyzed.Runs)
                {
                    if (run.Text.Length < 2 && run.Script != Script.Han) continue;
                    var targets = FindOrAdd(run.Text);
                    targets.Add((k, termWeight));
                }
            }
            if (termWeight > 0)
                foreach (var term in features.Terms.Keys)
                    terms[k][term] = Math.Max(terms[k].GetValueOrDefault(term), termWeight);
            if (features.Pieces.Count > 0) parts.Add((k, vectorWeight, features.Pieces));
            return [.. features.Terms.Keys];
        }

        // A term several categories list tells them apart less: each of n categories gets 1/n of it.
        var listedBy = terms.SelectMany(t => t.Keys).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var categoryTerms in terms)
            foreach (var term in categoryTerms.Keys.ToList())
                categoryTerms[term] /= listedBy[term];

        var embedded = _engine.Embed([.. parts.Select(p => (IReadOnlyList<WeightedPiece>)p.Pieces)], CancellationToken.None);
        var vectors = new float[_candidates.Length][];
        for (var k = 0; k < vectors.Length; k++) vectors[k] = new float[_engine.Dimensions];
        for (var i = 0; i < parts.Count; i++) VectorMath.AddScaled(vectors[parts[i].Category], embedded[i], parts[i].Weight);
        foreach (var vector in vectors) VectorMath.Normalize(vector);
        return (vectors, terms, topics);
    }

    private List<(int Category, float Weight)> FindOrAdd(string key)
    {
        var existing = _nativeTerms.Matches(key).FirstOrDefault(m => m.Start == 0 && m.Length == key.Length);
        if (existing.Value is { } list) return list;
        list = [];
        _nativeTerms.Add(key, list);
        return list;
    }

    internal IReadOnlyList<Category> Candidates => _candidates;

    // For reading the example bank as a labelled set (the benchmark): the bank example a conversation is, left out of its own neighbours.
    internal Func<string, int>? BankExampleOf { get; init; }

    internal Category? CatchAllCategory => _catchAll;

    private static int ArgMax(float[] values)
    {
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    private static string Percent(double share) => (share * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    private static string Shorten(string title) => TextCut.Fit(title, 40, "…");

    // One conversation's scores against every candidate category.
    internal sealed class Scored(int categories)
    {
        public float[] Similarity { get; } = new float[categories];
        public float[] Keywords { get; } = new float[categories];
        public float[] Example { get; } = new float[categories];
        public float[] Shape { get; } = new float[categories];
        public float[] Bank { get; } = new float[categories];
        public string?[] ExampleTitle { get; } = new string?[categories];
        public float[] Evidence { get; } = new float[categories];
        public float[] Final { get; } = new float[categories];
        public List<(int Category, string Surface, float Weight)> Matched { get; } = [];
        public int FirstChoice { get; set; }
        public bool Refined { get; set; }
        public int Best { get; private set; }
        public bool IsOther { get; private set; }
        public double Confidence { get; private set; }

        public float Margin()
        {
            float first = float.MinValue, second = float.MinValue;
            foreach (var value in Final)
            {
                if (value > first) (first, second) = (value, first);
                else if (value > second) second = value;
            }
            return second == float.MinValue ? first : first - second;
        }

        // How far the choice is ahead of the next option (the catch-all, when the set has one, is an option at the threshold).
        public float DecisionMargin { get; private set; }

        // The runner-up: a category's index, or -1 for the catch-all.
        public int Next { get; private set; }

        public void Decide(OfflineTuning tuning, bool hasCatchAll)
        {
            Best = ArgMax(Final);
            IsOther = hasCatchAll && Evidence[Best] < tuning.OtherThreshold;
            if (IsOther)
            {
                DecisionMargin = tuning.OtherThreshold - Evidence[Best];
                Next = Best;
            }
            else
            {
                var next = hasCatchAll ? tuning.OtherThreshold : float.MinValue;
                Next = -1;
                for (var k = 0; k < Final.Length; k++)
                {
                    if (k == Best || Final[k] <= next) continue;
                    next = Final[k];
                    Next = k;
                }
                DecisionMargin = next == float.MinValue ? 1 : Final[Best] - next;
            }
            Confidence = tuning.ConfidenceOf(DecisionMargin);
        }
    }
}
