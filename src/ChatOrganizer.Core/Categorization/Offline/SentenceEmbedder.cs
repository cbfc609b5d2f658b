using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace ChatOrganizer.Categorization.Offline;

// Sentence embeddings on ONNX Runtime: BERT WordPiece tokens in, one L2-normalised vector per text out. Loaded once per
// process and shared (For); thread-safe. The ONNX session is created on first use, so a process that only
// needs the distilled token vectors (StaticTokenVectors) never holds the model's weights; distilling them
// opens a session of its own (OpenSession), of the model without its word table (WordTableModel) written to the cache
// folder, and closes it when done.
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
    private readonly string _resources;

    private SentenceEmbedder(EmbeddingModel model)
    {
        Model = model;
        _resources = ResourceFile(model);
        var vocabulary = ReadResource(_resources, model.VocabularyResource);
        // One token a line; the file's last line break ends the last token, it does not start another.
        _vocabulary = System.Text.Encoding.UTF8.GetString(vocabulary).TrimEnd('\n', '\r').Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        // Lower-casing also strips accents through NFD, which would take Hangul syllables apart into jamo: the
        // categorizer hands this tokenizer only the Latin-script parts of a text (see ScriptSegmenter), and reads
        // Hangul, Han and kana itself.
        _tokenizer = BertTokenizer.Create(new MemoryStream(vocabulary), new BertOptions { LowerCaseBeforeTokenization = true });
        _session = new Lazy<InferenceSession>(() => CreateSession(), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    // The process's one embedder for this model.
    public static SentenceEmbedder For(EmbeddingModel model) =>
        Loaded.GetOrAdd(model, m => new Lazy<SentenceEmbedder>(() => new SentenceEmbedder(m))).Value;

    public EmbeddingModel Model { get; }

    public int VocabularySize => _vocabulary.Length;

    public int ClassificationTokenId => _tokenizer.ClassificationTokenId;

    public int SeparatorTokenId => _tokenizer.SeparatorTokenId;

    public int UnknownTokenId => _tokenizer.UnknownTokenId;

    // Whether the ONNX session has been created (tests and benchmarks check when the weights are needed).
    public bool SessionLoaded => _session.IsValueCreated;

    // WordPiece ids of a text without [CLS]/[SEP], at most maxTokens.
    public int[] Tokenize(string text, int maxTokens)
    {
        if (string.IsNullOrWhiteSpace(text) || maxTokens <= 0) return [];
        return [.. _tokenizer.EncodeToIds(text, maxTokens, addSpecialTokens: false, out _, out _)];
    }

    // The vocabulary entry of a token id ("##ing" for a word piece).
    public string TokenText(int id) => (uint)id < (uint)_vocabulary.Length ? _vocabulary[id] : "";

    // One normalised vector per text, through the whole transformer; each text cut to the model's length.
    public float[][] Embed(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var prefix = Model.QueryPrefix;
        var ids = texts.Select(t => Tokenize(prefix + t, Model.MaxSequenceLength - 2)).ToList();
        return EmbedTokens(ids, cancellationToken);
    }

    // One normalised vector per token sequence (no [CLS]/[SEP]; they are added), each cut to the model's length.
    public float[][] EmbedTokens(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken = default) =>
        EmbedTokens(_session.Value, sequences, cancellationToken);

    // A session of its own, for one piece of work (distilling token vectors): the model's weights are given back when it
    // is disposed, instead of staying for the life of the process. It is the model without its word table, fed the rows
    // each run uses (WordTableModel), so the session holds the layers only; it embeds as the whole model does.
    // modelDirectory: Where the rewritten model is kept for ONNX Runtime to read (ModelFile); null, or a folder that
    // cannot be written, builds it in memory instead.
    // threads: How many cores it may use; 0 for all of them, 1 to run on the calling thread only (work in the background).
    public ModelSession OpenSession(string? modelDirectory, int threads = 0)
    {
        var model = WordTableModel();
        var file = modelDirectory is null ? null : ModelFile(modelDirectory, model);
        var session = file is null ? CreateSession(threads, model.ToArray()) : CreateSession(threads, file);
        // What ONNX Runtime freed while building the session (its parse of the model) goes back before the work begins
        // (distilling on a fresh data folder: peak 349 MB, 340 MB with it).
        NativeHeap.Trim();
        return new(this, session, model.InputName, model.OpenRows());
    }

    private WordTableModel WordTableModel()
    {
        using var dll = File.OpenRead(_resources);
        var (offset, length) = FindResource(dll, Model.OnnxResource);
        return Offline.WordTableModel.Find(_resources, offset, length);
    }

    private float[][] EmbedTokens(InferenceSession session, IReadOnlyList<int[]> sequences, CancellationToken cancellationToken, (string Input, WordRows Rows)? table = null)
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
            var output = Run(session, batch.Select(i => sequences[i]).ToList(), table);
            for (var b = 0; b < batch.Length; b++) vectors[batch[b]] = output[b];
            start = end;
        }
        return vectors;
    }

    private int Length(int[] sequence) => Math.Min(sequence.Length, Model.MaxSequenceLength - 2) + 2;

    // table: For a session of the model without its word table: its input's name, and where its rows are read.
    private float[][] Run(InferenceSession session, IReadOnlyList<int[]> sequences, (string Input, WordRows Rows)? table)
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

        // The ids become rows of the table given with them (padding included: every position is looked up).
        using var words = table?.Rows.Table(ids);
        long[] shape = [count, length];
        using var inputIds = OrtValue.CreateTensorValueFromMemory(ids, shape);
        using var attention = OrtValue.CreateTensorValueFromMemory(mask, shape);
        using var typeIds = OrtValue.CreateTensorValueFromMemory(types, shape);
        using var options = new RunOptions();
        using var outputs = words is null
            ? session.Run(options, ["input_ids", "attention_mask", "token_type_ids"], [inputIds, attention, typeIds], ["last_hidden_state"])
            : session.Run(options, ["input_ids", "attention_mask", "token_type_ids", table!.Value.Input], [inputIds, attention, typeIds, words], ["last_hidden_state"]);
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

    // From a model's file, or its bytes; the whole model read from the DLL when neither is given.
    private InferenceSession CreateSession(int threads = 0, string? modelFile = null) => CreateSession(threads, modelFile, bytes: null);

    private InferenceSession CreateSession(int threads, byte[] bytes) => CreateSession(threads, modelFile: null, bytes);

    private InferenceSession CreateSession(int threads, string? modelFile, byte[]? bytes)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            IntraOpNumThreads = threads > 0 ? Math.Min(threads, Environment.ProcessorCount) : Environment.ProcessorCount,
            InterOpNumThreads = 1,
        };
        return modelFile is not null ? new InferenceSession(modelFile, options)
            : new InferenceSession(bytes ?? ReadResource(_resources, Model.OnnxResource), options);
    }

    // The model without its word table as a file in this folder, written from the DLL the first time. A session made from
    // bytes needs the whole model in a managed array while ONNX Runtime builds its own copy of the weights from it; from
    // a file there is no such array (an idle app distilling on a fresh data folder, RSS sampled every 0.1 s: peak 430 MB
    // from the whole model's bytes, 349 MB from its file). The file is written under a temporary name, checked and then
    // renamed, and an existing file is used only when its bytes hash as the rewritten model's do, so a truncated or stale
    // file is replaced, never read. Null when the folder cannot be written.
    private string? ModelFile(string directory, WordTableModel model)
    {
        var file = Path.Combine(directory, $"{Model.Name}.without-word-table.onnx");
        try
        {
            Directory.CreateDirectory(directory);
            // The whole model's copy that earlier versions kept here (91 MB) is read no more.
            File.Delete(Path.Combine(directory, $"{Model.Name}.onnx"));
            var expected = model.Hash();
            if (HashOfFile(file, model.Length) is { } existing && existing.SequenceEqual(expected)) return file;

            var temporary = $"{file}.{Environment.ProcessId}.tmp";
            try
            {
                using (var copy = File.Create(temporary)) model.WriteTo(copy);
                if (HashOfFile(temporary, model.Length) is not { } written || !written.SequenceEqual(expected)) return null;
                File.Move(temporary, file, overwrite: true);
                return file;
            }
            finally
            {
                File.Delete(temporary);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    // Null when the file is not there or is not this long.
    private static byte[]? HashOfFile(string path, long length)
    {
        if (!File.Exists(path)) return null;
        using var file = File.OpenRead(path);
        return file.Length == length ? SHA256.HashData(file) : null;
    }

    private static string ResourceFile(EmbeddingModel model)
    {
        var path = Path.Combine(AppContext.BaseDirectory, model.AssemblyFile);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The embedding model {model.Name} ships in {model.AssemblyFile}, which is not beside the app; publishing copies it.", path);
        }
        return path;
    }

    // A resource read from the DLL as a file, not through a loaded assembly: loading would run none of its code anyway (and
    // the ML.NET it was written against is not there), and reading a resource of a loaded assembly pages in its mapped
    // image, which counted the model twice in the process's memory.
    private static byte[] ReadResource(string path, string name)
    {
        using var file = File.OpenRead(path);
        var (offset, length) = FindResource(file, name);
        var bytes = new byte[length];
        file.Position = offset;
        file.ReadExactly(bytes);
        return bytes;
    }

    // Where a resource's bytes are in the DLL, and how many there are.
    private static (long Offset, int Length) FindResource(FileStream file, string name)
    {
        using var pe = new PEReader(file, PEStreamOptions.LeaveOpen);
        var metadata = pe.GetMetadataReader();
        if (pe.PEHeaders.CorHeader is { } header && pe.PEHeaders.TryGetDirectoryOffset(header.ResourcesDirectory, out var resources))
        {
            foreach (var handle in metadata.ManifestResources)
            {
                var resource = metadata.GetManifestResource(handle);
                if (!metadata.StringComparer.Equals(resource.Name, name) || !resource.Implementation.IsNil) continue;
                // An embedded resource is its length (4 bytes, little-endian), then its bytes.
                file.Position = resources + resource.Offset;
                Span<byte> length = stackalloc byte[4];
                file.ReadExactly(length);
                return (file.Position, BinaryPrimitives.ReadInt32LittleEndian(length));
            }
        }
        throw new InvalidOperationException($"{Path.GetFileName(file.Name)} has no resource {name}.");
    }

    // An ONNX session opened for one piece of work (OpenSession).
    public sealed class ModelSession : IDisposable
    {
        private readonly SentenceEmbedder _embedder;
        private readonly InferenceSession _session;
        private readonly string _tableInput;
        private readonly WordRows _rows;

        internal ModelSession(SentenceEmbedder embedder, InferenceSession session, string tableInput, WordRows rows)
        {
            _embedder = embedder;
            _session = session;
            _tableInput = tableInput;
            _rows = rows;
        }

        // As SentenceEmbedder.EmbedTokens, on this lease's session.
        public float[][] EmbedTokens(IReadOnlyList<int[]> sequences, CancellationToken cancellationToken = default) =>
            _embedder.EmbedTokens(_session, sequences, cancellationToken, (_tableInput, _rows));

        public void Dispose()
        {
            _session.Dispose();
            _rows.Dispose();
        }
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

    // target += weight * source.
    public static void AddScaled(Span<float> target, ReadOnlySpan<float> source, float weight)
    {
        for (var i = 0; i < target.Length; i++) target[i] += weight * source[i];
    }

    // The same with a half-precision source, widened a vector at a time: one value at a time made categorizing about
    // 8 % slower (`bench offline --throughput`). scratch: As long as target.
    public static void AddScaled(Span<float> target, ReadOnlySpan<Half> source, float weight, Span<float> scratch)
    {
        System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(source, scratch);
        AddScaled(target, scratch, weight);
    }
}
