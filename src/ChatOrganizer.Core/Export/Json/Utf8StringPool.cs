using System.Text;
using System.Text.Json;

namespace ChatOrganizer.Export.Json;

// Hands out one string per distinct short value instead of a new one per occurrence. A node id
// appears four times (mapping key, message id, its parent's children, its children's parent) and
// roles, statuses and model names repeat in every message: a third of the reader's allocations
// before this pool. A direct-mapped cache: a collision just replaces the entry.
internal sealed class Utf8StringPool
{
    private const int MaxPooledBytes = 64;
    private readonly Entry[] _entries = new Entry[1024];

    public string Get(ref Utf8JsonReader reader, long maxBytes)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > Math.Min(MaxPooledBytes, maxBytes)) return JsonRead.Text(ref reader, maxBytes);
        var utf8 = reader.ValueSpan;
        var hash = new HashCode();
        hash.AddBytes(utf8);
        var code = hash.ToHashCode();
        ref var entry = ref _entries[code & (_entries.Length - 1)];
        if (entry.Value is { } cached && entry.Hash == code && Ascii.Equals(utf8, cached)) return cached;
        var value = reader.GetString()!;
        if (value.Length == utf8.Length) entry = new Entry(code, value);
        return value;
    }

    private readonly record struct Entry(int Hash, string? Value);
}
