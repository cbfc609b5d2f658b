using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Search;

// What of a conversation is searchable, as the read step stores it: the title and each visible message of the active
// path (the viewer's chat), one row each, with the short words a trigram index cannot find set apart.
public static class SearchText
{
    // Characters of one message that are indexed. A pasted log or file can be megabytes; past this it is not found,
    // which keeps the index near the size of the conversations' text.
    public const int MaxEntryChars = 32_768;

    // The conversation's rows: its title and each visible message of the active path.
    public static List<SearchEntry> Entries(string jobId, int index, Conversation conversation)
    {
        var entries = new List<SearchEntry>();
        if (!string.IsNullOrWhiteSpace(conversation.Title)) entries.Add(Entry(jobId, index, 0, null, conversation.Title));
        var ordinal = 0;
        foreach (var (id, message) in VisibleMessages(conversation)) entries.Add(Entry(jobId, index, ++ordinal, id, message.Text));
        return entries;
    }

    // A hash of all the conversation's text (title and every active message, whole): what tells a conversation seen
    // in an earlier export unchanged (EarlierResults). Stored with its summary, before its search rows are built.
    public static string ContentHash(Conversation conversation)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, conversation.Title ?? "");
        foreach (var (id, message) in VisibleMessages(conversation))
        {
            Append(hash, id);
            Append(hash, message.Text);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset())[..32];
    }

    private static IEnumerable<(string Id, Message Message)> VisibleMessages(Conversation conversation)
    {
        foreach (var id in conversation.Tree.ActivePath)
        {
            if (conversation.Tree.Find(id)?.Message is { IsHidden: false } message && message.Text.Length > 0) yield return (id, message);
        }
    }

    private static SearchEntry Entry(string jobId, int index, int ordinal, string? nodeId, string text)
    {
        var indexed = text.Length <= MaxEntryChars ? text : text[..MaxEntryChars];
        return new SearchEntry
        {
            JobId = jobId,
            Index = index,
            Ordinal = ordinal,
            NodeId = nodeId is { Length: > ChatOrganizerDb.Lengths.ConversationId } ? null : nodeId,
            Text = indexed,
            ShortTerms = ShortTerms(indexed),
        };
    }

    // Characters encoded at a time for the hash: through one small buffer, as every message of every conversation is
    // hashed (a byte[] of each was a tenth of building the rows), and a pasted one can be megabytes.
    private const int HashChunkChars = 4096;

    private static void Append(IncrementalHash hash, string text)
    {
        Span<byte> buffer = stackalloc byte[HashChunkChars * 3];
        var rest = text.AsSpan();
        while (rest.Length > 0)
        {
            var take = Math.Min(rest.Length, HashChunkChars);
            // A surrogate pair stays in one piece, so the bytes are those of the whole text at once.
            if (take < rest.Length && char.IsHighSurrogate(rest[take - 1])) take--;
            hash.AppendData(buffer[..Encoding.UTF8.GetBytes(rest[..take], buffer)]);
            rest = rest[take..];
        }
        hash.AppendData([0]);
    }

    // The terms shorter than three characters, space-separated, for the word index beside the trigram one: every two
    // neighbouring characters of a run of Chinese, Japanese or Korean script ("주식투자" gives 주식 식투 투자: Korean and
    // Chinese words of two syllables are common, and a trigram index cannot find them), and two-letter words of other
    // scripts ("AI", "Go"). Null when there are none.
    // Terms are looked up by span, so a term already found (most two-letter words are "is", "to", "of") costs no string.
    public static string? ShortTerms(string text)
    {
        var terms = new Terms();
        Span<char> lower = stackalloc char[2];
        var i = 0;
        while (i < text.Length)
        {
            // Most text is ASCII: its white space and punctuation are passed over without the Unicode tables.
            if (text[i] < '\u0080' && !char.IsAsciiLetterOrDigit(text[i]))
            {
                i++;
            }
            else if (IsCjk(text[i]))
            {
                var start = i;
                while (i < text.Length && IsCjk(text[i])) i++;
                if (i - start == 1) terms.Add(text.AsSpan(start, 1));
                for (var at = start; at + 1 < i; at++) terms.Add(text.AsSpan(at, 2));
            }
            else if (char.IsLetterOrDigit(text[i]))
            {
                var start = i;
                while (i < text.Length && char.IsAsciiLetterOrDigit(text[i])) i++;
                while (i < text.Length && char.IsLetterOrDigit(text[i]) && !IsCjk(text[i])) i++;
                if (i - start == 2)
                {
                    text.AsSpan(start, 2).ToLowerInvariant(lower);
                    terms.Add(lower);
                }
            }
            else
            {
                i++;
            }
        }
        return terms.Joined();
    }

    // What the trigram index is given of a text: each word (a run between white space, as a query splits its terms)
    // once, in the order first found. A term of a query is inside one word wherever it is in the text, so every trigram of
    // it is in that word, and the text itself confirms it (SearchQuery). A word repeated costs the index nothing more:
    // on real messages about a fifth less to index, far more on generated ones (bench job-speed), whose words repeat.
    public static string DistinctWords(string text)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal).GetAlternateLookup<ReadOnlySpan<char>>();
        var words = new StringBuilder(text.Length);
        var rest = text.AsSpan();
        while (true)
        {
            var start = 0;
            while (start < rest.Length && char.IsWhiteSpace(rest[start])) start++;
            if (start == rest.Length) break;
            var end = start;
            while (end < rest.Length && !char.IsWhiteSpace(rest[end])) end++;
            var word = rest[start..end];
            if (seen.Add(word))
            {
                if (words.Length > 0) words.Append(' ');
                words.Append(word);
            }
            rest = rest[end..];
        }
        return words.ToString();
    }

    // The distinct terms in the order first found; none until the first.
    private struct Terms
    {
        private HashSet<string>? _set;
        private HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public void Add(ReadOnlySpan<char> term)
        {
            if (_set is null)
            {
                _set = new(StringComparer.Ordinal);
                _lookup = _set.GetAlternateLookup<ReadOnlySpan<char>>();
            }
            _lookup.Add(term);
        }

        public readonly string? Joined() => _set is null ? null : string.Join(' ', _set);
    }

    // Han, Hangul (syllables and jamo), Hiragana and Katakana: scripts written without spaces between words (Korean often with them, but with particles attached).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsCjk(char c) =>
        c >= '\u1100' && c is (>= '\u4E00' and <= '\u9FFF') or (>= '\u3400' and <= '\u4DBF') or (>= '\uF900' and <= '\uFAFF')
            or (>= '\uAC00' and <= '\uD7A3') or (>= '\u1100' and <= '\u11FF') or (>= '\u3130' and <= '\u318F')
            or (>= '\u3040' and <= '\u309F') or (>= '\u30A0' and <= '\u30FF');
}
