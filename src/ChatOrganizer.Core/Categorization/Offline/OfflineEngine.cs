using System.Collections.Concurrent;

namespace ChatOrganizer.Categorization.Offline;

// How a text becomes a vector.
public enum OfflineEmbedding
{
    // The weighted mean of distilled token vectors (StaticTokenVectors): thousands per second.
    Static,

    // The whole transformer over each text: better word order, tens per second on two cores.
    Transformer,
}

// CacheDirectory: Where distilled token vectors are kept; null keeps them in memory only.
public sealed record OfflineEngineOptions(string? CacheDirectory, OfflineEmbedding Embedding = OfflineEmbedding.Static)
{
    public EmbeddingModel Model { get; init; } = EmbeddingModel.Default;

    // The user's cache folder ($XDG_CACHE_HOME or ~/.cache, then chatorganizer), for a process with no data folder.
    public static string UserCacheDirectory =>
        Path.Combine(
            Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "chatorganizer");
}

// What the offline categorizer and its neighbours and topics share in a process: the embedding model (loaded once),
// its distilled token vectors, the script-aware reader with its lexicon. Thread-safe; one per process
// (For), a singleton in the web app and the CLI.
public sealed class OfflineEngine
{
    // The digest is already cut to a budget (DigestBuilder); this caps any one piece of it that the static path reads.
    private const int MaxPieceTokens = 512;

    private static readonly ConcurrentDictionary<OfflineEngineOptions, Lazy<OfflineEngine>> Engines = new();

    private readonly ConcurrentDictionary<ReadingSettings, Lazy<ExampleBank>> _banks = new();

    private OfflineEngine(OfflineEngineOptions options)
    {
        Options = options;
        Embedder = SentenceEmbedder.For(options.Model);
        Tokens = StaticTokenVectors.For(Embedder);
        if (options.CacheDirectory is { } cache) Tokens.UseCacheDirectory(cache);
        Analyzer = TextAnalyzer.Shared;
    }

    public static OfflineEngine For(OfflineEngineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Engines.GetOrAdd(options, o => new Lazy<OfflineEngine>(() => new OfflineEngine(o))).Value;
    }

    public OfflineEngineOptions Options { get; }

    public SentenceEmbedder Embedder { get; }

    public StaticTokenVectors Tokens { get; }

    public TextAnalyzer Analyzer { get; }

    public int Dimensions => Embedder.Model.Dimensions;

    // One normalised vector per text, each a list of weighted pieces (a title counts more than an answer).
    internal float[][] Embed(IReadOnlyList<IReadOnlyList<WeightedPiece>> texts, CancellationToken cancellationToken)
    {
        if (Options.Embedding == OfflineEmbedding.Transformer)
        {
            // Word order matters to the transformer: the pieces are read in order, heaviest first (the title).
            var joined = texts.Select(pieces => string.Join(". ", pieces.OrderByDescending(p => p.Weight).Select(p => p.Text))).ToList();
            return Embedder.Embed(joined, cancellationToken);
        }

        var tokenized = new (int[] Tokens, float[] Weights)[texts.Count];
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var tokens = new List<int>();
            var weights = new List<float>();
            foreach (var piece in texts[i])
            {
                var ids = Embedder.Tokenize(piece.Text, MaxPieceTokens);
                tokens.AddRange(ids);
                weights.AddRange(Enumerable.Repeat(piece.Weight, ids.Length));
            }
            tokenized[i] = ([.. tokens], [.. weights]);
        });
        Tokens.Prepare(tokenized.Select(t => t.Tokens), cancellationToken);
        var vectors = new float[texts.Count][];
        Parallel.For(0, texts.Count, new ParallelOptions { CancellationToken = cancellationToken },
            i => vectors[i] = Tokens.Embed(tokenized[i].Tokens, tokenized[i].Weights));
        return vectors;
    }

    // The example bank read as this tuning reads a conversation; read once per process.
    internal ExampleBank BankFor(OfflineTuning tuning)
    {
        var settings = new ReadingSettings(tuning.TitleWeight, tuning.AnswerWeight, tuning.GlossWeight, tuning.ForeignWordWeight, tuning.UseGlosses);
        return _banks.GetOrAdd(settings, _ => new Lazy<ExampleBank>(() => new ExampleBank(this, tuning))).Value;
    }

    private readonly record struct ReadingSettings(float TitleWeight, float AnswerWeight, float GlossWeight, float ForeignWordWeight, bool UseGlosses);

    // Static vectors of single words or short phrases (for reasons and topic names), prepared as needed.
    internal float[][] EmbedWords(IReadOnlyList<string> words, CancellationToken cancellationToken)
    {
        var tokenized = words.Select(w => Embedder.Tokenize(w, 16)).ToArray();
        Tokens.Prepare(tokenized, cancellationToken);
        return [.. tokenized.Select(t => Tokens.Embed(t))];
    }
}

// Text: What the model reads of it: English and other Latin-script words, and the glosses of the rest.
internal readonly record struct WeightedPiece(string Text, float Weight);
