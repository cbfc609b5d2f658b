using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ChatOrganizer.Export.Json;

// Reads over a buffer that may end inside the element (isFinalBlock: false): running out of data
// throws JsonIncompleteException, and JsonElementStream parses the element again once more of it
// is buffered. That happens about once per 1 MB read, so the restart costs next to nothing and
// every element is parsed in a single pass.
internal static class JsonRead
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static JsonTokenType Next(ref Utf8JsonReader reader)
    {
        if (!reader.Read()) throw new JsonIncompleteException();
        return reader.TokenType;
    }

    // Skips the current token's value (a whole object or array when on its start or property
    // name). Utf8JsonReader.TrySkip copies the whole reader to roll back on partial data, even for a
    // scalar; this only walks containers, and a restart of the element does the rolling back.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Skip(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName) Next(ref reader);
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray) SkipContainer(ref reader);
    }

    public static void SkipValue(ref Utf8JsonReader reader)
    {
        Next(ref reader);
        Skip(ref reader);
    }

    // The current string token, held to ExportReaderOptions.MaxStringBytes.
    public static string Text(ref Utf8JsonReader reader, long maxBytes)
    {
        if (reader.ValueSpan.Length > maxBytes) throw new JsonLimitException(JsonElementLimit.StringTooLong);
        return reader.GetString()!;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SkipContainer(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        do
        {
            Next(ref reader);
        }
        while (reader.CurrentDepth > depth);
    }
}

internal sealed class JsonIncompleteException() : Exception("The buffered JSON ends inside the element.");

internal sealed class JsonLimitException(JsonElementLimit limit) : Exception($"A reader limit was broken: {limit}.")
{
    public JsonElementLimit Limit { get; } = limit;
}
