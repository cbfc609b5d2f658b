namespace ChatOrganizer.Categorization;

// For models whose tokenizer is not known (TokenCounter counts OpenAI models exactly): OpenAI's rule of thumb is
// about four characters of English per token; characters outside ASCII (accents, CJK, emoji) count one
// token each, which over-counts accented Latin text but keeps CJK text, at roughly a token per character,
// within budget.
internal static class TokenEstimate
{
    private const double AsciiCharsPerToken = 4;

    public static int Of(string text)
    {
        var ascii = 0;
        var other = 0;
        foreach (var c in text)
        {
            if (c < 128) ascii++;
            else if (!char.IsLowSurrogate(c)) other++;
        }
        return (int)Math.Ceiling(ascii / AsciiCharsPerToken) + other;
    }

    // The longest prefix within maxTokens, cut at a word boundary when one is near.
    public static string Truncate(string text, int maxTokens)
    {
        if (maxTokens <= 0) return "";
        if (Of(text) <= maxTokens) return text;

        double spent = 0;
        var end = 0;
        while (end < text.Length)
        {
            var c = text[end];
            var cost = c < 128 ? 1 / AsciiCharsPerToken : char.IsLowSurrogate(c) ? 0 : 1;
            if (Math.Ceiling(spent + cost) > maxTokens) break;
            spent += cost;
            end++;
        }
        if (end > 0 && char.IsHighSurrogate(text[end - 1])) end--;
        return BackOffToWord(text, end);
    }

    // Cutting mid-word wastes the word's tokens; back off to the last space within the final fifth.
    public static string BackOffToWord(string text, int end)
    {
        var space = end > 0 ? text.LastIndexOf(' ', end - 1, end) : -1;
        if (space > end * 4 / 5) end = space;
        return text[..end].TrimEnd();
    }
}
