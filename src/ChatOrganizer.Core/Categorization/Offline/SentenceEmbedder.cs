using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace ChatOrganizer.Categorization.Offline;

/// <summary>
/// Sentence embeddings on ONNX Runtime: BERT WordPiece tokens in, one L2-normalised vector per text out. Loaded once per
/// process and shared (<see cref="For"/>); thread-safe. The ONNX session is created on first use, so a process that only
/// needs the distilled token vectors (<see cref="StaticTokenVectors"/>) never holds the model's weights.
/// </summary>
public sealed class SentenceEmbedder
{
    // Sequences of one batch are padded to the longest, so they are grouped by length; a batch holds at most this
    // many tokens (about 4 MB of hidden states per layer at 384 dimensions) and this many sequences.
    private const int MaxBatchTokens = 8192;
    private const int MaxBatchSequences = 128;

    private static readonly ConcurrentDictionary<EmbeddingModel, Lazy<SentenceEmbedder>> Loaded = new();

    private readonly BertTokenizer _tokenizer;
    private readonly Lazy<InferenceSession> _session;
    private readonly string[] _vocabulary;

    private SentenceEmbedder(EmbeddingModel model)
    {
        Model = model;
        var resources = LoadResourceAssembly(model);
        var vocabulary = ReadResource(resources, model.VocabularyResource);
        _vocabulary = System.Text.Encoding.UTF8.GetString(vocabulary).Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // Lower-casing also strips accents through NFD, which would take Hangul syllables apart into jamo: the
        // categorizer hands this tokenizer only the Latin-script parts of a text (see ScriptSegmenter), and reads
        // Hangul, Han and kana itself.
        _tokenizer = BertTokenizer.Create(new MemoryStream(vocabulary), new BertOptions { LowerCaseBeforeTokenization = true });
        _session = new Lazy<InferenceSession>(() => CreateSession(resources, model), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The process's one embedder for this model.</summary>
    public static SentenceEmbedder For(EmbeddingModel model) =>
        Loaded.GetOrAdd(model, m => new Lazy<SentenceEmbedder>(() => new SentenceEmbedder(m))).Value;

    public EmbeddingModel Model { get; }

    public int VocabularySize => _vocabulary.Length;

    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    public int UnknownTokenId => _tokenizer.UnknownTokenId;

    /// <summary>Whether the ONNX session has been created (tests and benchmarks check when the weights are needed).</summary>
    public bool SessionLoaded => _session.IsValueCreated;

    /// <summary>WordPiece ids of a text without [CLS]/[SEP], at most <paramref name="maxTokens"/>.</summary>
    public int[] Tokenize(string text, int maxTokens)
    {
        if (string.IsNullOrWhiteSpace(text) || maxTokens <= 0) return [];
        return [.. _tokenizer.EncodeToIds(text, maxTokens, addSpecialTokens: false, out _, out _)];
    }

    /// <summary>The vocabulary entry of a token id ("##ing" for a word piece).</summary>
    public string TokenText(int id) => (uint)id < (uint)_vocabulary.Length ? _vocabulary[id] : "";

    /// <summary>One normalised vector per text, through the whole transformer; each text cut to the model's length.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var prefix = Model.QueryPrefix;
        var ids = texts.Select(t => Tokenize(prefix + t, Model.MaxSequenceLength - 2)).ToList();
        return EmbedTokens(ids, cancellationToken);
    }

    /// <summary>One normalised vector per token sequence (no [CLS]/[SEP]; they are added), each cut to the model's length.</summary>
    public float[][] EmbedTokens(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        var vectors = new float[sequences.Count][];
        var order = Enumerable.Range(0, sequences.Count).OrderBy(i => sequences[i].Length).ToArray();
        var start = 0;
        while (start < order.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = start;
            while (end < order.Length && end - start < MaxBatchSequences
                   && (end - start + 1) * Length(sequences[order[end]]) <= MaxBatchTokens) end++;
            if (end == start) end++;
            var batch = order[start..end];
            var output = Run(batch.Select(i => sequences[i]).ToList());
            for (var b = 0; b < batch.Length; b++) vectors[batch[b]] = output[b];
            start = end;
        }
        return vectors;
    }

    private int Length(int[] sequence) => Math.Min(sequence.Length, Model.MaxSequenceLength - 2) + 2;

    private float[][] Run(IReadOnlyList<int[]> sequences)
    {
        var length = sequences.Max(Length);
        var count = sequences.Count;
        var ids = new long[count * length];
        var mask = new long[count * length];
        var types = new long[count * length];
        for (var s = 0; s < count; s++)
        {
            var row = s * length;
            var tokens = sequences[s].AsSpan(0, Length(sequences[s]) - 2);
            ids[row] = ClassificationTokenId;
            for (var t = 0; t < tokens.Length; t++) ids[row + 1 + t] = tokens[t];
            ids[row + 1 + tokens.Length] = SeparatorTokenId;
            mask.AsSpan(row, tokens.Length + 2).Fill(1);
        }

        long[] shape = [count, length];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attention = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typeIds = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var options = new RunOptions();
        using var outputs = _session.Value.Run(options,
            ["input_ids", "attention_mask", "token_type_ids"], [inputIds, attention, typeIds], ["last_hidden_state"]);
        var hidden = outputs[0].GetTensorDataAsSpan<float>();
        var dimensions = Model.Dimensions;

        var vectors = new float[count][];
        for (var s = 0; s < count; s++)
        {
            var vector = new float[dimensions];
            var used = Length(sequences[s]);
            if (Model.ClsPooling)
            {
                hidden.Slice(s * length * dimensions, dimensions).CopyTo(vector);
            }
            else
            {
                for (var t = 0; t < used; t++)
                {
                    var token = hidden.Slice((s * length + t) * dimensions, dimensions);
                    for (var d = 0; d < dimensions; d++) vector[d] += token[d];
                }
            }
            VectorMath.Normalize(vector);
            vectors[s] = vector;
        }
        return vectors;
    }

    private static InferenceSession CreateSession(Assembly resources, EmbeddingModel model)
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        return new InferenceSession(ReadResource(resources, model.OnnxResource), options);
    }

    private static Assembly LoadResourceAssembly(EmbeddingModel model)
    {
        var path = Path.Combine(AppContext.BaseDirectory, model.AssemblyFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The embedding model {model.Name} ships in {model.AssemblyFile}, which is not beside the app; publishing copies it.", path);
        }
        // Only resources are read; the DLL's own code, and the ML.NET it was written against, are never loaded.
        return Assembly.LoadFrom(path);
    }

    private static byte[] ReadResource(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"{assembly.GetName().Name} has no resource {name}.");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}

internal static class VectorMath
{
    public static void Normalize(Span<float> vector)
    {
        var norm = MathF.Sqrt(Dot(vector, vector));
        if (norm <= 0) return;
        var scale = 1 / norm;
        for (var i = 0; i < vector.Length; i++) vector[i] *= scale;
    }

    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var sum = System.Numerics.Vector<float>.Zero;
        var width = System.Numerics.Vector<float>.Count;
        var i = 0;
        for (; i <= a.Length - width; i += width)
            sum += new System.Numerics.Vector<float>(a[i..]) * new System.Numerics.Vector<float>(b[i..]);
        var total = System.Numerics.Vector.Sum(sum);
        for (; i < a.Length; i++) total += a[i] * b[i];
        return total;
    }

    /// <summary>target += weight * source.</summary>
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float weight)
    {
        for (var i = 0; i < target.Length; i++) target[i] += weight * source[i];
    }
}
