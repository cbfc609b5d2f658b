using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace ChatOrganizer.Categorization.Offline;

// One vector per WordPiece token, distilled from the transformer (Model2Vec's idea): each token is run through the
// model once as a one-word sentence, and a text's vector is the weighted mean of its tokens' vectors, hundreds of
// times faster than running the model over the text. The first text with a token not yet distilled has the whole
// vocabulary distilled (a few seconds, once per machine), by a model session opened for it and closed after, so the
// process does not keep the model's weights; the vectors are kept in memory (one table per model and process) and in
// cache files (the app's data folder, or the user's cache), so a second run, or a second process, pays nothing. Both
// hold them at half precision (23 MB; 47 MB as floats): the categorizer compares vectors, it does not need float's
// digits, and a process that distilled them embeds exactly as one that read them from a file.
//
// Vectors are centred on the mean of the 2,000 most frequent words' vectors: a one-word sentence shares much of its
// embedding with every other (the [CLS]/[SEP] context), which would make every text look alike.
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
    private readonly List<string> _unread = [];
    private readonly Half[]?[] _raw;
    private readonly float[] _weights;
    private readonly Lock _distilling = new();
    private float[]? _centre;
    private bool _vocabularyReady;
    private int _distilled;

    private StaticTokenVectors(SentenceEmbedder embedder)
    {
        _embedder = embedder;
        _raw = new Half[embedder.VocabularySize][];
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

    // The process's table for this model.
    public static StaticTokenVectors For(SentenceEmbedder embedder)
    {
        ArgumentNullException.ThrowIfNull(embedder);
        return Loaded.GetOrAdd(embedder.Model, _ => new StaticTokenVectors(embedder));
    }

    // Takes the vectors a cache folder holds when they are first needed (a server that only ever uses a model never
    // holds them), and keeps the folder up to date from then on.
    public void UseCacheDirectory(string directory)
    {
        var file = Path.Combine(Path.GetFullPath(directory), $"{_embedder.Model.Name}.token-vectors.v{FileVersion}.bin");
        lock (_distilling)
        {
            if (_cacheFiles.Contains(file)) return;
            _cacheFiles.Add(file);
            _unread.Add(file);
        }
    }

    // Reads or distils the whole vocabulary now, so that the first categorizing does not wait for it.
    // Waits for a distillation another thread has begun, so that VocabularyReady is true after it, unless it gave way.
    // threads: How many cores distilling may use (SentenceEmbedder.OpenSession); 0 for all.
    // giveWay: Asked between batches: true stops distilling and closes the model's session (what is distilled so far is
    // kept, and a later call goes on from there), for work in the background that must not add the model's memory to a
    // job's. Null distils to the end.
    // Returns VocabularyReady.
    public bool PrepareVocabulary(CancellationToken cancellationToken = default, int threads = 0, Func<bool>? giveWay = null)
    {
        if (!VocabularyReady) PrepareAll(cancellationToken, threads, giveWay);
        return VocabularyReady;
    }

    // Takes the vocabulary from a cache file when one holds it all (a fraction of a second), never distilling; true when
    // every token has its vector after it. Does not wait for a distillation under way elsewhere.
    public bool TryReadCache()
    {
        if (VocabularyReady) return true;
        if (!_distilling.TryEnter()) return false;
        try
        {
            ReadCacheFiles();
            if (Enumerable.Range(0, _raw.Length).Any(id => _raw[id] is null && (_weights[id] > 0 || IsCentringWord(id)))) return false;
            _centre ??= Centre();
            Volatile.Write(ref _vocabularyReady, true);
            return true;
        }
        finally
        {
            _distilling.Exit();
        }
    }

    public SentenceEmbedder Embedder => _embedder;

    public int Dimensions => _embedder.Model.Dimensions;

    // Tokens distilled by this process so far (the rest came from the cache file).
    public int DistilledHere => Volatile.Read(ref _distilled);

    // How much a token counts in a text's mean: 0 for specials and punctuation, small for frequent words.
    public float Weight(int id) => (uint)id < (uint)_weights.Length ? _weights[id] : 0;

    // Makes sure every token of these sequences has its vector: the first one missing has every token distilled.
    public void Prepare(IEnumerable<int[]> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var complete = _centre is not null;
        foreach (var sequence in sequences)
        {
            if (!complete) break;
            foreach (var id in sequence)
            {
                if ((uint)id >= (uint)_raw.Length || _raw[id] is not null || _weights[id] <= 0) continue;
                complete = false;
                break;
            }
        }
        if (!complete) PrepareAll(cancellationToken);
    }

    private void PrepareAll(CancellationToken cancellationToken, int threads = 0, Func<bool>? giveWay = null)
    {
        lock (_distilling)
        {
            ReadCacheFiles();
            var todo = Enumerable.Range(0, _raw.Length).Where(id => _raw[id] is null && (_weights[id] > 0 || IsCentringWord(id))).ToArray();
            if (todo.Length > 0 && giveWay?.Invoke() == true) return;
            if (todo.Length > 0)
            {
                var done = 0;
                // The model's file is kept beside the vectors: the first cache folder is where they are written.
                using (var session = _embedder.OpenSession(_cacheFiles.Select(Path.GetDirectoryName).FirstOrDefault(), threads))
                {
                    foreach (var chunk in todo.Chunk(DistillBatch))
                    {
                        if (giveWay?.Invoke() == true) break;
                        var vectors = session.EmbedTokens([.. chunk.Select(id => new[] { id })], cancellationToken);
                        for (var i = 0; i < chunk.Length; i++) _raw[chunk[i]] = [.. vectors[i].Select(v => (Half)v)];
                        done += chunk.Length;
                    }
                }
                // Without a folder for the model's file the session's model was a managed array: given back now, not at
                // some later collection; and what the closed session freed natively goes back to the system too.
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
                NativeHeap.Trim();
                Interlocked.Add(ref _distilled, done);
                if (done < todo.Length) return;
            }
            _centre ??= Centre();
            // Every vector is in memory now: embedding need not wait for the cache file being written.
            Volatile.Write(ref _vocabularyReady, true);
            if (todo.Length > 0) Save();
        }
    }

    // Every token has its vector: embedding waits for nothing.
    public bool VocabularyReady => Volatile.Read(ref _vocabularyReady);

    private void ReadCacheFiles()
    {
        // A file not there yet stays to be read: another process sharing the folder may write it later.
        _unread.RemoveAll(Load);
        if (_centre is null && Enumerable.Range(FirstWordId, CentringWords).All(id => _raw[id] is not null)) _centre = Centre();
    }

    private static bool IsCentringWord(int id) => id is >= FirstWordId and < FirstWordId + CentringWords;

    // The weighted, centred mean of the tokens' vectors, normalised; tokens must have been prepared.
    // weights: Extra weight per token (the title's tokens count more); null for 1.
    // Embed's per-thread sums by token id (all zero between calls), and the ids in the order first seen.
    [ThreadStatic]
    private static float[]? t_summed;

    [ThreadStatic]
    private static List<int>? t_seen;

    public float[] Embed(ReadOnlySpan<int> tokens, ReadOnlySpan<float> weights = default)
    {
        var vector = new float[Dimensions];
        var centre = _centre ?? throw new InvalidOperationException("Prepare the tokens before embedding them.");
        // A text repeats its tokens ("the", "of", a topic's words): their weights are summed first, and each distinct
        // token's vector added once, in the order first seen (on gen_export's texts a third of the additions).
        var summed = t_summed is { } kept && kept.Length == _raw.Length ? kept : t_summed = new float[_raw.Length];
        var seen = t_seen ??= [];
        seen.Clear();
        for (var i = 0; i < tokens.Length; i++)
        {
            var id = tokens[i];
            if ((uint)id >= (uint)_raw.Length || _raw[id] is null) continue;
            var weight = _weights[id] * (weights.IsEmpty ? 1 : weights[i]);
            if (weight <= 0) continue;
            if (summed[id] == 0) seen.Add(id);
            summed[id] += weight;
        }
        var total = 0f;
        Span<float> scratch = stackalloc float[Dimensions];
        foreach (var id in seen)
        {
            VectorMath.AddScaled(vector, _raw[id]!, summed[id], scratch);
            total += summed[id];
            summed[id] = 0;
        }
        if (total > 0) VectorMath.AddScaled(vector, centre, -total);
        VectorMath.Normalize(vector);
        return vector;
    }

    // A token's centred vector, normalised: how the reason tells which words pulled a text towards a category.
    public float[]? TokenVector(int id)
    {
        if ((uint)id >= (uint)_raw.Length || _raw[id] is not { } raw || _centre is not { } centre) return null;
        var vector = new float[Dimensions];
        TensorPrimitives.ConvertToSingle(raw, vector);
        VectorMath.AddScaled(vector, centre, -1);
        VectorMath.Normalize(vector);
        return vector;
    }

    private float[] Centre()
    {
        var centre = new float[Dimensions];
        var scratch = new float[Dimensions];
        for (var id = FirstWordId; id < FirstWordId + CentringWords; id++) VectorMath.AddScaled(centre, _raw[id]!, 1f / CentringWords, scratch);
        return centre;
    }

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
                    writer.Write(MemoryMarshal.AsBytes(_raw[id].AsSpan()));
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

    // Only ids not known yet are taken: vectors already in memory came from the same model. False when there is no file.
    private bool Load(string file)
    {
        if (!File.Exists(file)) return false;
        try
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            if (reader.ReadInt32() != FileVersion || reader.ReadInt32() != Dimensions) return true;
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++)
            {
                var id = reader.ReadInt32();
                var vector = new Half[Dimensions];
                reader.BaseStream.ReadExactly(MemoryMarshal.AsBytes(vector.AsSpan()));
                if ((uint)id < (uint)_raw.Length) _raw[id] ??= vector;
            }
        }
        catch (Exception e) when (e is IOException or EndOfStreamException or UnauthorizedAccessException)
        {
            // A damaged cache file: what it lacks is distilled again, and the next save replaces it.
        }
        return true;
    }
}
