using System.Buffers.Binary;
using System.Runtime.CompilerServices;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public string Get(ref Utf8JsonReader reader, long maxBytes)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > Math.Min(MaxPooledBytes, maxBytes)) return JsonRead.Text(ref reader, maxBytes);
        var utf8 = reader.ValueSpan;
        var code = Hash(utf8);
        ref var entry = ref _entries[code & (_entries.Length - 1)];
        if (entry.Value is { } cached && entry.Hash == code && Ascii.Equals(utf8, cached)) return cached;
        var value = reader.GetString()!;
        if (value.Length == utf8.Length) entry = new Entry(code, value);
        return value;
    }

    // Length and up to 24 bytes from the start and the end: ids are random hex throughout, and the
    // vocabulary (roles, statuses, model names) differs within its first bytes. Entries are checked
    // in full, so a weak hash only costs a miss.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Hash(ReadOnlySpan<byte> utf8)
    {
        const ulong Multiplier = 0x9E3779B97F4A7C15;
        var hash = (ulong)utf8.Length * Multiplier;
        if (utf8.Length >= 8)
        {
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8)) * Multiplier;
            hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[^8..])) * Multiplier;
            if (utf8.Length >= 16) hash = (hash ^ BinaryPrimitives.ReadUInt64LittleEndian(utf8[8..])) * Multiplier;
        }
        else
        {
            foreach (var b in utf8) hash = (hash ^ b) * Multiplier;
        }

        return (int)(hash ^ (hash >> 29));
    }

    private readonly record struct Entry(int Hash, string? Value);
}
