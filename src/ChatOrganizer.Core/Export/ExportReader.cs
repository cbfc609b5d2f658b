namespace ChatOrganizer.Export;

// Contract shared by the CLI, the jobs and the benchmarks; the implementation lands with issue 2.
public sealed class ExportReader : IAsyncDisposable
{
    private ExportReader() { }

    /// <summary>Opens a <c>conversations.json</c>, an export folder or an export ZIP.</summary>
    public static Task<ExportReader> OpenAsync(string path, ExportReaderOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    /// <summary>Opens an upload: a ZIP or a JSON file by its content; a non-seekable ZIP is spooled to a temp file.</summary>
    public static Task<ExportReader> OpenAsync(Stream stream, string fileName, ExportReaderOptions? options = null, CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public IAsyncEnumerable<Conversation> ReadConversationsAsync(CancellationToken cancellationToken = default) =>
        throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}

public sealed record ExportReaderOptions;
