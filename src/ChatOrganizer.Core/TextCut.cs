using System.Diagnostics.CodeAnalysis;

namespace ChatOrganizer;

// Text cut to a length, for a database column or for quoting a value in a sentence: at most max characters, ending in
// marker when cut, and never between the halves of a surrogate pair (an emoji, a rare CJK character), which would
// not be text any more.
public static class TextCut
{
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Fit(string? text, int max, string marker = "")
    {
        if (text is null || text.Length <= max) return text;
        var end = max - marker.Length;
        if (char.IsHighSurrogate(text[end - 1])) end--;
        return string.Concat(text.AsSpan(0, end), marker);
    }

    // The text's whitespace folded onto one line, then cut to max characters with "…" (a preview, a snippet).
    public static string Line(string text, int max)
    {
        var line = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= max) return line;
        var cut = Fit(line, max - 1);
        return cut.TrimEnd() + "…";
    }
}
