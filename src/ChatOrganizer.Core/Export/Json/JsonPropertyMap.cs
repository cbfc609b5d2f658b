using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace ChatOrganizer.Export.Json;

// Maps a property name to what it means in one kind of object, by its length first and then its
// bytes: one or two comparisons instead of a chain of ValueTextEquals, for the properties every
// message has. Unknown names map to default(T).
internal sealed class JsonPropertyMap<T> where T : struct, Enum
{
    private readonly (byte[] Name, T Value)[][] _byLength;

    public JsonPropertyMap(params (string Name, T Value)[] properties)
    {
        var encoded = properties.Select(p => (Name: Encoding.UTF8.GetBytes(p.Name), p.Value)).ToArray();
        _byLength = new (byte[], T)[encoded.Max(p => p.Name.Length) + 1][];
        foreach (var group in encoded.GroupBy(p => p.Name.Length)) _byLength[group.Key] = group.ToArray();
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public T Find(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped) return FindEscaped(ref reader);
        var name = reader.ValueSpan;
        if (name.Length >= _byLength.Length || _byLength[name.Length] is not { } candidates) return default;
        foreach (var (candidate, value) in candidates)
        {
            if (name.SequenceEqual(candidate)) return value;
        }

        return default;
    }

    private T FindEscaped(ref Utf8JsonReader reader)
    {
        foreach (var bucket in _byLength)
        {
            foreach (var (candidate, value) in bucket ?? [])
            {
                if (reader.ValueTextEquals(candidate)) return value;
            }
        }

        return default;
    }
}
