namespace ChatOrganizer.Categorization.Offline;

// How words become comparable terms: folded, plurals met with singulars, small words dropped (en, es, de).
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

    // Words that carry no topic of their own but are kept for scoring (tuned with them): a discovered topic's name
    // leaves them out too, so it reads "bread, sourdough", not "bread, before" (folded, as terms are).
    private static readonly HashSet<string> NameNoise = new(StringComparer.Ordinal)
    {
        "after", "again", "always", "another", "both", "because", "before", "between", "did", "doing", "done", "down",
        "each", "even", "every", "few", "go", "going", "got", "long", "look", "many", "maybe", "mean", "most", "much",
        "now", "off", "only", "out", "over", "own", "really", "same", "say", "see", "something", "still", "thing",
        "try", "using", "well", "where", "while", "who", "whose", "without", "am", "able", "etc", "vs", "via", "per",
        "cuanto", "cuanta", "cual", "donde", "cuando", "porque", "sobre", "sin", "hay", "ser", "son", "estoy", "tengo",
        "tiene", "quiero", "necesito", "puedo", "puede", "hacer", "mejor", "mis", "sus", "nos", "les", "ya", "si",
        "todo", "toda", "otra", "otro", "entre", "hasta", "desde", "tambien", "ayuda", "ayudame", "algo", "bien", "asi",
        "dame", "dime", "favor", "cosa", "vez", "solo", "ese", "esa", "eso", "estos", "aqui", "ahora", "hola", "gracias",
        "quien", "als", "an", "am", "aus", "bin", "da", "dann", "denn", "doch", "durch", "einem", "einer", "eines",
        "gibt", "haben", "hier", "ihr", "ihre", "ja", "jetzt", "kein", "keine", "man", "mache", "machen", "mal", "mehr",
        "meinen", "meiner", "meinem", "muss", "nach", "nur", "ob", "ohne", "sehr", "sein", "seine", "uber", "um",
        "unter", "viel", "vom", "vor", "war", "warum", "welche", "wann", "wo", "zum", "zur", "brauche", "brauchen",
        "hilfe", "helfen", "gut", "danke", "hallo", "gerne", "etwas", "alle", "alles", "diese", "dieser", "will",
        "mochte", "konnen", "wurde", "certainly", "among", "actual", "actually", "course", "absolutely", "great",
        "following", "below", "provide", "based", "however", "may", "might", "must", "find",
    };

    public static bool IsStopWord(string folded) => StopWords.Contains(folded);

    // A term too small to name a topic: a stop word or one of NameNoise.
    public static bool NamesNothing(string term) => StopWords.Contains(term) || NameNoise.Contains(term);

    // The term of a folded word, or null for a small word, a number or a single letter.
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
