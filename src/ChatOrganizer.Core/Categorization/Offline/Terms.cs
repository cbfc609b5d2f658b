namespace ChatOrganizer.Categorization.Offline;

/// <summary>How words become comparable terms: folded, plurals met with singulars, small words dropped (en, es, de).</summary>
internal static class Terms
{
    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "a", "about", "all", "an", "and", "any", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from",
        "get", "has", "have", "help", "how", "i", "if", "in", "into", "is", "it", "its", "just", "like", "make", "me",
        "more", "my", "need", "not", "of", "on", "or", "other", "others", "please", "should", "so", "some", "that",
        "the", "their", "them", "then", "there", "these", "they", "this", "to", "up", "use", "want", "was", "what",
        "when", "which", "why", "will", "with", "would", "you", "your", "also", "anything", "fits", "none", "above",
        "one", "such", "than", "very", "we", "our", "us", "he", "she", "his", "her", "been", "being", "were", "here",
        "hi", "hello", "hey", "thanks", "thank", "ok", "okay", "yes", "no", "sure", "give", "tell", "know", "think",
        "user", "assistant", "new", "chat", "s", "t", "don", "im", "it's", "i'm", "let", "lets", "way", "good", "best",
        "el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "para", "por", "con", "mi", "es", "como",
        "se", "lo", "al", "pero", "mas", "muy", "esto", "esta", "este", "tu", "su", "yo", "me", "le", "o",
        "der", "die", "das", "und", "ich", "ist", "nicht", "ein", "eine", "einen", "mit", "fur", "auf", "zu", "wie",
        "mein", "meine", "sie", "wir", "den", "dem", "des", "kannst", "bitte", "was", "mir", "mich", "auch", "oder", "aber",
        "wenn", "habe", "hat", "sind", "von", "im", "bei", "kann", "soll", "wird", "noch", "schon", "dass", "er",
    };

    public static bool IsStopWord(string folded) => StopWords.Contains(folded);

    /// <summary>The term of a folded word, or null for a small word, a number or a single letter.</summary>
    public static string? Of(string folded)
    {
        if (folded.Length < 2 || StopWords.Contains(folded) || folded.All(c => char.IsDigit(c) || c is '.' or '-' or '_')) return null;
        return Stem(folded);
    }

    // Enough stemming for plurals to meet their singulars; both sides go through it, so it need only be consistent.
    private static string Stem(string word) => word switch
    {
        { Length: > 4 } when word.EndsWith("ies", StringComparison.Ordinal) => word[..^3] + "y",
        { Length: > 3 } when word.EndsWith('s') && !word.EndsWith("ss", StringComparison.Ordinal) && !word.EndsWith("us", StringComparison.Ordinal) => word[..^1],
        _ => word,
    };

    public static IEnumerable<string> EnglishWords(string english) =>
        english.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
