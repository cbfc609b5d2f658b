using System.Text.Json;
using System.Text.Json.Serialization;
using ChatOrganizer.Categorization;

namespace ChatOrganizer.Cli;

// The response modes the CLI found, in $XDG_CACHE_HOME/chatorganizer/response-modes.json (else
// ~/.cache/chatorganizer/), so the next run against gpt-4 does not pay for the refused request again.
// A file that cannot be read or written is no memory, never an error: the mode is found again.
internal sealed class ResponseModeFile(string path) : IResponseModeStore
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };
    private readonly Lock _lock = new();

    public string Path { get; } = path;

    public static ResponseModeFile InCacheFolder(Func<string, string?> environment)
    {
        var cache = environment("XDG_CACHE_HOME") is { Length: > 0 } xdg && System.IO.Path.IsPathRooted(xdg)
            ? xdg
            : System.IO.Path.Combine(environment("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return new ResponseModeFile(System.IO.Path.Combine(cache, "chatorganizer", "response-modes.json"));
    }

    public Task<RememberedMode?> GetAsync(string endpoint, string model, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(Read().TryGetValue(Key(endpoint, model), out var entry) ? new RememberedMode(entry.Mode, !entry.Tentative) : null);
        }
    }

    public Task PutAsync(string endpoint, string model, RememberedMode remembered, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var entries = Read();
            entries[Key(endpoint, model)] = new Entry(remembered.Mode, DateTimeOffset.UtcNow, !remembered.Settled);
            try
            {
                Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
                // Written whole and moved into place: a run stopped mid-write leaves the old file, not half a new one.
                var temporary = Path + ".tmp";
                File.WriteAllText(temporary, JsonSerializer.Serialize(entries, Json));
                File.Move(temporary, Path, overwrite: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not remembered; the next run finds it again.
            }
        }
        return Task.CompletedTask;
    }

    private static string Key(string endpoint, string model) => $"{endpoint} {model}";

    private Dictionary<string, Entry> Read()
    {
        try
        {
            return File.Exists(Path) ? JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(Path), Json) ?? [] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return [];
        }
    }

    // Tentative: The mode the next run tries once; absent in files of earlier versions, whose modes all answered.
    private sealed record Entry(ResponseMode Mode, DateTimeOffset DecidedAt, bool Tentative = false);
}
