using System.Globalization;
using System.Text;

namespace ChatOrganizer.Categorization.Offline;

// Reads a text script by script, so every language is read by what it says. Latin-script words go to the embedding
// model as they are; Han, kana and Hangul runs, which the English model cannot read (its vocabulary has no Hangul
// syllables and few Han characters), are read through the gloss lexicon into English words, and kept as runs for
// keywords written in those scripts; Spanish and German words are glossed too when the text is in those languages.
public sealed class TextAnalyzer
{
    private readonly GlossLexicon _lexicon;

    public TextAnalyzer(GlossLexicon lexicon) => _lexicon = lexicon;

    public static TextAnalyzer Shared { get; } = new(GlossLexicon.Shared);

    public GlossLexicon Lexicon => _lexicon;

    // everyLanguage:
    // Gloss Latin-script words as Spanish and German whatever the text looks like: for category names and keywords,
    // too short to tell their language.
    public AnalyzedText Analyze(string text, bool everyLanguage = false)
    {
        var latin = new List<string>();
        var runs = new List<ScriptRun>();
        foreach (var (script, segment) in ScriptSegmenter.Segments(text))
        {
            if (script == Script.Latin) latin.Add(segment);
            else if (script != Script.Other) runs.Add(new ScriptRun(script, segment));
        }
        var words = latin.Select(Fold).ToList();
        var language = LatinLanguages.Detect(words);
        var glosses = new List<Gloss>();
        foreach (var run in runs) _lexicon.GlossRun(run, glosses);
        if (everyLanguage)
        {
            var before = glosses.Count;
            _lexicon.GlossWords(words, LatinLanguage.Spanish, glosses);
            if (glosses.Count == before) _lexicon.GlossWords(words, LatinLanguage.German, glosses);
        }
        else if (language != LatinLanguage.English)
        {
            _lexicon.GlossWords(words, language, glosses);
        }
        return new AnalyzedText(string.Join(' ', latin), words, runs, glosses, language);
    }

    // Lower case without accents ("Programación" → "programacion"), as the model's uncased vocabulary reads it.
    public static string Fold(string word)
    {
        var lower = word.ToLowerInvariant();
        if (lower.All(char.IsAscii)) return lower;
        var decomposed = lower.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) builder.Append(c);
        return builder.ToString().Replace("ß", "ss", StringComparison.Ordinal).Normalize(NormalizationForm.FormC);
    }
}

// LatinText: The Latin-script words in their order (code, product names, English, Spanish, German...).
// Words: The same words folded (lower case, no accents).
// Runs: Han, kana and Hangul runs; a Hangul run is one space-separated word with its particles.
// Glosses: Words the lexicon knew, with their English.
public sealed record AnalyzedText(
    string LatinText, IReadOnlyList<string> Words, IReadOnlyList<ScriptRun> Runs, IReadOnlyList<Gloss> Glosses, LatinLanguage Language)
{
    // What the English model reads: the glosses' English, then the text's own Latin-script words.
    public string ModelText => Glosses.Count == 0 ? LatinText : $"{string.Join(' ', Glosses.Select(g => g.English))} {LatinText}";
}

public enum Script
{
    Other,
    Latin,
    Han,
    Kana,
    Hangul,
}

public sealed record ScriptRun(Script Script, string Text);

// Surface: The word as the text wrote it (여행, 簡歷, programación).
public sealed record Gloss(string Surface, string English);

public enum LatinLanguage
{
    English,
    Spanish,
    German,
}

internal static class ScriptSegmenter
{
    public static Script Of(char c) => c switch
    {
        >= '\uAC00' and <= '\uD7A3' or >= '\u1100' and <= '\u11FF' or >= '\u3130' and <= '\u318F' => Script.Hangul,
        >= '\u3040' and <= '\u30FF' or >= '\u31F0' and <= '\u31FF' or >= '\uFF66' and <= '\uFF9F' => Script.Kana,
        >= '\u4E00' and <= '\u9FFF' or >= '\u3400' and <= '\u4DBF' or >= '\uF900' and <= '\uFAFF' or '\u3005' => Script.Han,
        _ when char.IsLetterOrDigit(c) => Script.Latin,
        _ => Script.Other,
    };

    // Runs of one script. Latin-script words break at any other script ("React에서" gives "React" and "에서", so the
    // model still sees React); Han and kana join into one run (Japanese writes them together); a Latin word keeps
    // '+' and '#' (C++, C#) and an inner '.', '_' or '-' (node.js, snake_case).
    public static IEnumerable<(Script Script, string Text)> Segments(string text)
    {
        var start = 0;
        var current = Script.Other;
        for (var i = 0; i <= text.Length; i++)
        {
            var script = i < text.Length ? Of(text[i]) : Script.Other;
            if (script == Script.Other && current == Script.Latin && i < text.Length
                && (text[i] is '+' or '#' || (text[i] is '.' or '_' or '-' && i + 1 < text.Length && Of(text[i + 1]) == Script.Latin)))
            {
                continue;
            }
            if (script == current) continue;
            if ((current, script) is (Script.Han, Script.Kana) or (Script.Kana, Script.Han))
            {
                current = Script.Kana;
                continue;
            }
            if (current != Script.Other && i > start) yield return (current, text[start..i]);
            start = i;
            current = script;
        }
    }
}

internal static class LatinLanguages
{
    private static readonly HashSet<string> English = new(StringComparer.Ordinal)
    {
        "the", "and", "is", "to", "of", "in", "it", "my", "for", "with", "that", "this", "you", "what", "how", "can", "i",
        "me", "on", "are", "be", "do", "have", "not", "an", "or", "from", "at", "please", "want", "need", "write",
    };

    private static readonly HashSet<string> Spanish = new(StringComparer.Ordinal)
    {
        "el", "la", "los", "las", "de", "del", "que", "y", "en", "un", "una", "para", "por", "con", "mi", "es", "como", "se",
        "lo", "al", "pero", "mas", "muy", "tengo", "quiero", "puedes", "ayudame", "hola", "esto", "esta", "este", "donde",
        "cual", "cuando", "porque", "hacer", "necesito", "sobre", "sin", "tu", "su", "yo",
    };

    private static readonly HashSet<string> German = new(StringComparer.Ordinal)
    {
        "der", "die", "das", "und", "ich", "ist", "nicht", "ein", "eine", "einen", "mit", "fur", "auf", "zu", "wie", "mein",
        "meine", "sie", "wir", "es", "den", "dem", "des", "ich", "kannst", "bitte", "hallo", "was", "mir", "mich", "auch",
        "oder", "aber", "wenn", "habe", "hat", "sind", "von", "im", "bei", "kann", "soll", "wird", "noch", "schon", "dass",
    };

    // Spanish or German when their small words outnumber English ones: enough to choose a lexicon.
    public static LatinLanguage Detect(IReadOnlyList<string> words)
    {
        int english = 0, spanish = 0, german = 0;
        foreach (var word in words)
        {
            if (English.Contains(word)) english++;
            if (Spanish.Contains(word)) spanish++;
            if (German.Contains(word)) german++;
        }
        var best = Math.Max(spanish, german);
        if (best < 2 || best <= english) return LatinLanguage.English;
        return spanish >= german ? LatinLanguage.Spanish : LatinLanguage.German;
    }
}
