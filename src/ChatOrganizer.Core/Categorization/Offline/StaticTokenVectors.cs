using System.Collections.Concurrent;

namespace ChatOrganizer.Categorization.Offline;

/// <summary>
/// One vector per WordPiece token, distilled from the transformer (Model2Vec's idea): each token is run through the
/// model once as a one-word sentence, and a text's vector is the weighted mean of its tokens' vectors, hundreds of
/// times faster than running the model over the text. Tokens are distilled when first needed and kept in memory (one
/// table per model and process) and in cache files (the app's data folder, or the user's cache), so a second run, or a
/// second process, pays nothing.
/// </summary>
/// <remarks>
/// Vectors are centred on the mean of the 2,000 most frequent words' vectors: a one-word sentence shares much of its
/// embedding with every other (the [CLS]/[SEP] context), which would make every text look alike.
/// </remarks>
public sealed class StaticTokenVectors
{
    private const int FileVersion = 1;

    // BERT's uncased vocabulary lists [PAD], [unused*], [UNK], [CLS], [SEP], [MASK] and single characters first,
    // then words and word pieces roughly by corpus frequency from this id on ("the" = 1996).
    private const int FirstWordId = 1996;
    private const int CentringWords = 2000;

    // Smooth inverse frequency (Arora et al. 2017), with a word's probability from its Zipf rank in the vocabulary:
    // "the" weighs 0.01, a word of rank 1,000 about 0.9.
    private const double SifA = 1e-3;
    private const int DistillBatch = 256;

    private static readonly ConcurrentDictionary<EmbeddingModel, StaticTokenVectors> Loaded = new();

    private readonly SentenceEmbedder _embedder;
    private readonly List<string> _cacheFiles = [];
    private readonly float[]?[] _raw;
    private readonly float[] _weights;
    private readonly Lock _distilling = new();
    private float[]? _centre;
    private int _distilled;

    private StaticTokenVectors(SentenceEmbedder embedder)
    {
        _embedder = embedder;
        _raw = new float[embedder.VocabularySize][];
        _weights = new float[embedder.VocabularySize];
        var harmonic = Math.Log(embedder.VocabularySize) + 0.5772;
        for (var id = 0; id < _weights.Length; id++)
        {
            var token = embedder.TokenText(id);
            if (id < FirstWordId && (token.Length != 1 || !char.IsLetterOrDigit(token[0]))) continue; // specials, unused, punctuation
            var rank = Math.Max(1, id - FirstWordId + 1);
            var probability = 1 / (rank * harmonic);
            _weights[id] = (float)(SifA / (SifA + probability));
        }
        _weights[embedder.UnknownTokenId] = 0;
    }

    /// <summary>The process's table for this model.</summary>
    public static StaticTokenVectors For(SentenceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return Loaded.GetOrAdd(embedder.Model, _ => new StaticTokenVectors(embedder));
    }

    /// <summary>Reads the vectors a cache folder holds and keeps it up to date from now on.</summary>
    public void UseCacheDirectory(string directory)
    {
        var file = Path.Combine(Path.GetFullPath(directory), $"{_embedder.Model.Name}.token-vectors.v{FileVersion}.bin");
        lock (_distilling)
        {
            if (_cacheFiles.Contains(file)) return;
            _cacheFiles.Add(file);
            Load(file);
            if (_centre is null && Enumerable.Range(FirstWordId, CentringWords).All(id => _raw[id] is not null)) _centre = Centre();
        }
    }

    public SentenceEmbedder Embedder => _embedder;

    public int Dimensions => _embedder.Model.Dimensions;

    /// <summary>Tokens distilled by this process so far (the rest came from the cache file).</summary>
    public int DistilledHere => Volatile.Read(ref _distilled);

    /// <summary>How much a token counts in a text's mean: 0 for specials and punctuation, small for frequent words.</summary>
    public float Weight(int id) => (uint)id < (uint)_weights.Length ? _weights[id] : 0;

    /// <summary>Distils every token of these sequences that has no vector yet (one model run per 256 tokens).</summary>
    public void Prepare(IEnumerable<int[]> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var missing = new HashSet<int>();
        foreach (var sequence in sequences)
            foreach (var id in sequence)
                if ((uint)id < (uint)_raw.Length && _raw[id] is null && _weights[id] > 0) missing.Add(id);
        if (_centre is null) missing.UnionWith(Enumerable.Range(FirstWordId, CentringWords).Where(id => _raw[id] is null));
        if (missing.Count == 0 && _centre is not null) return;

        lock (_distilling)
        {
            var todo = missing.Where(id => _raw[id] is null).Order().ToArray();
            foreach (var chunk in todo.Chunk(DistillBatch))
            {
                var vectors = _embedder.EmbedTokens([.. chunk.Select(id => new[] { id })], cancellationToken);
                for (var i = 0; i < chunk.Length; i++) _raw[chunk[i]] = vectors[i];
            }
            Interlocked.Add(ref _distilled, todo.Length);
            _centre ??= Centre();
            if (todo.Length > 0) Save();
        }
    }

    /// <summary>The weighted, centred mean of the tokens' vectors, normalised; tokens must have been prepared.</summary>
    /// <param name="weights">Extra weight per token (the title's tokens count more); null for 1.</param>
    public float[] Embed(ReadOnlySpan<int> tokens, ReadOnlySpan<float> weights = default)
    {
        var vector = new float[Dimensions];
        var centre = _centre ?? throw new InvalidOperationException("Prepare the tokens before embedding them.");
        var total = 0f;
        for (var i = 0; i < tokens.Length; i++)
        {
            var id = tokens[i];
            if ((uint)id >= (uint)_raw.Length || _raw[id] is not { } raw) continue;
            var weight = _weights[id] * (weights.IsEmpty ? 1 : weights[i]);
            if (weight <= 0) continue;
            VectorMath.AddScaled(vector, raw, weight);
            total += weight;
        }
        if (total > 0) VectorMath.AddScaled(vector, centre, -total);
        VectorMath.Normalize(vector);
        return vector;
    }

    /// <summary>A token's centred vector, normalised: how the reason tells which words pulled a text towards a category.</summary>
    public float[]? TokenVector(int id)
    {
        if ((uint)id >= (uint)_raw.Length || _raw[id] is not { } raw || _centre is not { } centre) return null;
        var vector = raw.ToArray();
        VectorMath.AddScaled(vector, centre, -1);
        VectorMath.Normalize(vector);
        return vector;
    }

    private float[] Centre()
    {
        var centre = new float[Dimensions];
        for (var id = FirstWordId; id < FirstWordId + CentringWords; id++) VectorMath.AddScaled(centre, _raw[id]!, 1f / CentringWords);
        return centre;
    }

    // Half precision: 23 MB for the whole vocabulary; the categorizer compares vectors, it does not need float's digits.
    private void Save()
    {
        foreach (var file in _cacheFiles) Save(file);
    }

    private void Save(string file)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var temporary = $"{file}.{Environment.ProcessId}.tmp";
            using (var writer = new BinaryWriter(File.Create(temporary)))
            {
                var ids = Enumerable.Range(0, _raw.Length).Where(id => _raw[id] is not null).ToArray();
                writer.Write(FileVersion);
                writer.Write(Dimensions);
                writer.Write(ids.Length);
                foreach (var id in ids)
                {
                    writer.Write(id);
                    foreach (var value in _raw[id]!) writer.Write((Half)value);
                }
            }
            File.Move(temporary, file, overwrite: true);
        }
        catch (IOException)
        {
            // A read-only or full cache folder costs the next run a distillation, nothing else.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    // Only ids not known yet are taken: vectors already in memory came from the same model.
    private void Load(string file)
    {
        if (!File.Exists(file)) return;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            if (reader.ReadInt32() != FileVersion || reader.ReadInt32() != Dimensions) return;
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadInt32();
                var vector = new float[Dimensions];
                for (var d = 0; d < vector.Length; d++) vector[d] = (float)reader.ReadHalf();
                if ((uint)id < (uint)_raw.Length) _raw[id] ??= vector;
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or UnauthorizedAccessException)
        {
            // A damaged cache file: what it lacks is distilled again, and the next save replaces it.
        }
    }
}
