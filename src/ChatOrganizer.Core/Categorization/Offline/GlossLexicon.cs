using System.Reflection;

namespace ChatOrganizer.Categorization.Offline;

// Common topic words of Chinese, Japanese, Korean, Spanish and German with their English (Lexicon/*.txt, embedded),
// so the English embedding model and English category sets can read conversations in those languages.
public sealed class GlossLexicon
{
    // Korean particles and endings that follow a noun in the same word: a one-syllable word (약, 앱) matches only alone
    // or with one of these, not inside a longer word (약속 is a promise, not a medicine).
    private static readonly string[] KoreanParticles =
    [
        "", "은", "는", "이", "가", "을", "를", "에", "의", "도", "로", "와", "과", "만", "에서", "으로", "까지", "부터", "처럼", "보다",
        "한테", "에게", "이나", "나", "랑", "이랑", "요", "이요", "이에요", "예요", "좀",
    ];

    private static readonly Lazy<GlossLexicon> Loaded = new(Load);

    private readonly PhraseTrie<string> _scripted = new();
    private readonly Dictionary<LatinLanguage, Dictionary<string, string>> _exact = [];
    private readonly Dictionary<LatinLanguage, Dictionary<string, string>> _prefixes = [];
    private readonly Dictionary<string, int> _counts = [];

    public static GlossLexicon Shared => Loaded.Value;

    // Entries per language file (zh, ja, ko, es, de).
    public IReadOnlyDictionary<string, int> Counts => _counts;

    // Adds the glosses of Han, kana and Hangul words found in a run, longest first.
    public void GlossRun(ScriptRun run, List<Gloss> into)
    {
        foreach (var (start, length, english) in _scripted.Matches(run.Text))
        {
            if (run.Script == Script.Hangul && length == 1 && !(start == 0 && IsParticle(run.Text.AsSpan(1)))) continue;
            into.Add(new Gloss(run.Text.Substring(start, length), english));
        }
    }

    // Adds the glosses of Spanish or German words (folded), by whole word, two- and three-word phrase or stem.
    public void GlossWords(IReadOnlyList<string> words, LatinLanguage language, List<Gloss> into)
    {
        if (!_exact.TryGetValue(language, out var exact)) return;
        var prefixes = _prefixes[language];
        for (var i = 0; i < words.Count; i++)
        {
            if (i + 2 < words.Count && exact.TryGetValue($"{words[i]} {words[i + 1]} {words[i + 2]}", out var three))
            {
                into.Add(new Gloss($"{words[i]} {words[i + 1]} {words[i + 2]}", three));
                i += 2;
                continue;
            }
            if (i + 1 < words.Count && exact.TryGetValue($"{words[i]} {words[i + 1]}", out var two))
            {
                into.Add(new Gloss($"{words[i]} {words[i + 1]}", two));
                i++;
                continue;
            }
            var word = words[i];
            if (exact.TryGetValue(word, out var english))
            {
                into.Add(new Gloss(word, english));
                continue;
            }
            for (var length = word.Length; length >= 3; length--)
            {
                if (prefixes.TryGetValue(word[..length], out var stem))
                {
                    into.Add(new Gloss(word, stem));
                    break;
                }
            }
        }
    }

    private static bool IsParticle(ReadOnlySpan<char> rest)
    {
        foreach (var particle in KoreanParticles)
            if (rest.SequenceEqual(particle)) return true;
        return false;
    }

    private static GlossLexicon Load()
    {
        var lexicon = new GlossLexicon();
        var assembly = typeof(GlossLexicon).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.Contains(".Lexicon.", StringComparison.Ordinal)).Order())
        {
            var language = name.Split('.')[^2];
            using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
            var count = 0;
            while (reader.ReadLine() is { } line)
            {
                if (line.Length == 0 || line[0] == '#') continue;
                var tab = line.IndexOf('\t', StringComparison.Ordinal);
                if (tab <= 0) throw new InvalidDataException($"Lexicon {language}: '{line}' has no tab between the word and its English.");
                lexicon.Add(language, line[..tab].Trim(), line[(tab + 1)..].Trim());
                count++;
            }
            lexicon._counts[language] = count;
        }
        return lexicon;
    }

    private void Add(string language, string word, string english)
    {
        var latin = language switch { "es" => LatinLanguage.Spanish, "de" => LatinLanguage.German, _ => (LatinLanguage?)null };
        if (latin is not { } target)
        {
            _scripted.Add(word, english);
            return;
        }
        if (!_exact.ContainsKey(target))
        {
            _exact[target] = new(StringComparer.Ordinal);
            _prefixes[target] = new(StringComparer.Ordinal);
        }
        var folded = TextAnalyzer.Fold(word);
        if (folded.EndsWith('*')) _prefixes[target][folded[..^1]] = english;
        else _exact[target][folded] = english;
    }
}

// Words of any script found anywhere in a text, the longest at each place, none inside a longer one found before.
internal sealed class PhraseTrie<T>
{
    private readonly Node _root = new();

    public bool IsEmpty => _root.Children is null;

    public void Add(string key, T value)
    {
        var node = _root;
        foreach (var c in key)
        {
            node.Children ??= [];
            if (!node.Children.TryGetValue(c, out var next)) node.Children[c] = next = new Node();
            node = next;
        }
        node.Value = value;
        node.HasValue = true;
    }

    public List<(int Start, int Length, T Value)> Matches(string text)
    {
        var found = new List<(int, int, T)>();
        var coveredUntil = 0;
        for (var start = 0; start < text.Length; start++)
        {
            var node = _root;
            var best = 0;
            T? value = default;
            for (var i = start; i < text.Length && node.Children is not null && node.Children.TryGetValue(text[i], out var next); i++)
            {
                node = next;
                if (node.HasValue)
                {
                    best = i - start + 1;
                    value = node.Value;
                }
            }
            if (best == 0 || start + best <= coveredUntil) continue;
            found.Add((start, best, value!));
            coveredUntil = start + best;
        }
        return found;
    }

    private sealed class Node
    {
        public Dictionary<char, Node>? Children;
        public T? Value;
        public bool HasValue;
    }
}
