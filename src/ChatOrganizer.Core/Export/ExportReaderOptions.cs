namespace ChatOrganizer.Export;

// Limits that keep a damaged or hostile export from exhausting memory, disk or time.
//
// The defaults read every real export seen so far (2023 to 2026) with room to spare. A conversation over a
// per-conversation limit is skipped with a diagnostic; a ZIP over a ZIP limit is refused with an
// ExportFormatException.
public sealed record ExportReaderOptions
{
    public static ExportReaderOptions Default { get; } = new();

    // Deepest JSON nesting inside one conversation.
    // Real conversations nest about 15 levels (tool metadata); 64 is System.Text.Json's own default.
    public int MaxDepth { get; init; } = 64;

    // Largest single conversation, in bytes of JSON; it is buffered whole while it is parsed.
    // The largest single conversation seen in a real export was 18 MB.
    public long MaxConversationBytes { get; init; } = 64L * 1024 * 1024;

    // Longest single JSON string, in bytes; each becomes a UTF-16 string twice its size.
    // A pasted document or a long tool output stays far below; beyond this it is not chat text.
    public long MaxStringBytes { get; init; } = 16L * 1024 * 1024;

    // Most entries in an export ZIP, checked before its directory is loaded.
    // Years of uploads and generated images make a few thousand; millions only come from a crafted file.
    public int MaxZipEntries { get; init; } = 100_000;

    // Most bytes inflated from the ZIP entries the reader opens (conversations, side files), in total.
    // The largest real exports hold about 0.5 GB of JSON; this leaves 16 times that.
    public long MaxUncompressedBytes { get; init; } = 8L * 1024 * 1024 * 1024;

    // Highest uncompressed-to-compressed ratio of a ZIP entry above 1 MiB.
    // Export JSON deflates 5 to 15 times; zip bombs sit near deflate's ceiling of about 1000.
    public int MaxCompressionRatio { get; init; } = 100;

    // Every setting that is out of range, with the allowed values; empty when all are valid.
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxDepth is < 8 or > 1024) errors.Add($"MaxDepth is {MaxDepth}; allowed 8 to 1024.");
        if (MaxConversationBytes < 1024) errors.Add($"MaxConversationBytes is {MaxConversationBytes}; allowed 1024 or more.");
        if (MaxConversationBytes > Array.MaxLength / 2) errors.Add($"MaxConversationBytes is {MaxConversationBytes}; allowed up to {Array.MaxLength / 2}.");
        if (MaxStringBytes < 16) errors.Add($"MaxStringBytes is {MaxStringBytes}; allowed 16 or more.");
        if (MaxZipEntries < 1) errors.Add($"MaxZipEntries is {MaxZipEntries}; allowed 1 or more.");
        if (MaxUncompressedBytes < 1024) errors.Add($"MaxUncompressedBytes is {MaxUncompressedBytes}; allowed 1024 or more.");
        if (MaxCompressionRatio < 2) errors.Add($"MaxCompressionRatio is {MaxCompressionRatio}; allowed 2 or more.");
        return errors;
    }

    internal void ThrowIfInvalid()
    {
        var errors = Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid export reader options: " + string.Join(" ", errors));
    }
}
