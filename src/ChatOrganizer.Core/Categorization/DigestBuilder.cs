using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using ChatOrganizer.Export;

namespace ChatOrganizer.Categorization;

// Turns a conversation into a ConversationDigest within a token budget: the title, then the visible
// user and assistant text of the active path, favouring the first user messages, which say what the conversation
// is about. Hidden system messages, custom instructions, tool calls and output, reasoning and asset pointers are left out.
//
// Deterministic: the same conversation, budget and counter give the same digest and hash. Measured with the model's
// tokenizer (TokenCounter.For) for OpenAI models, so the budget is in the tokens the model is billed.
public sealed partial class DigestBuilder(int tokenBudget = CategorizationOptions.DefaultDigestTokenBudget, TokenCounter? counter = null)
{
    // Bumped when the digest's format changes, so cached results from the old format are not reused.
    // v2: measured with the model's tokenizer, and Tokens counts the digest's line in a request.
    private const string FormatVersion = "digest-v2";

    private const int MaxTitleTokens = 40;
    private const int LabelTokens = 3; // "User: " / "Assistant: " and the line break

    // Pieces shorter than this say too little to be worth their label.
    private const int MinPieceTokens = 8;

    // Only these carry what a person or the model wrote; thoughts, reasoning_recap, code (tool calls),
    // execution_output, tether_*, user_editable_context and the like are left out.
    private static readonly HashSet<string> VisibleContentTypes = new(StringComparer.Ordinal) { "text", "multimodal_text" };

    public int TokenBudget { get; } = tokenBudget > 0
        ? tokenBudget
        : throw new ArgumentOutOfRangeException(nameof(tokenBudget), tokenBudget, "The digest token budget must be positive.");

    public TokenCounter Counter { get; } = counter ?? TokenCounter.Estimate;

    // Digests for a model (null: the offline categorizer): counted with its tokenizer, within the configured budget, or
    // less where a full batch would not fit the model's context window (gpt-4's 8,192 tokens hold 20 digests of about 310).
    public static DigestBuilder For(string? model, CategorizationOptions options) =>
        new(RequestCost.DigestBudgetFor(model, options), TokenCounter.For(model));

    public ConversationDigest Build(Conversation conversation)
    {
        ArgumentNullException.ThrowIfNull(conversation);

        var title = Counter.Truncate(Clean(conversation.Title ?? ""), Math.Min(MaxTitleTokens, TokenBudget / 4));
        var messages = conversation.ActiveMessages
            .Where(IsVisibleText)
            .Select(m => (m.Role, Text: Clean(m.Text)))
            .Where(m => m.Text.Length > 0)
            .ToList();

        var pieces = Allocate(messages, TokenBudget - Counter.Count(title));
        var text = string.Join('\n', pieces
            .Select((piece, i) => (piece, i))
            .Where(p => p.piece is not null)
            .Select(p => $"{(messages[p.i].Role == "user" ? "User" : "Assistant")}: {p.piece}"));

        var id = conversation.Id ?? $"index:{conversation.Location.Index}";
        return new ConversationDigest(id, title, text, CategorizationPrompt.EntryTokens(title, text, Counter), Hash(title, text));
    }

    private static bool IsVisibleText(Message message) =>
        !message.IsHidden
        && message.Role is "user" or "assistant"
        && message.Recipient is null or "all"
        && message.Channel is null or "final"
        && VisibleContentTypes.Contains(message.ContentType);

    // User messages first, in order, then assistant replies: what a person asks names the topic better than
    // the answer does. The first user message may take half the budget, any other message a quarter, so one
    // long paste cannot crowd out the rest.
    private string?[] Allocate(List<(string Role, string Text)> messages, int budget)
    {
        var pieces = new string?[messages.Count];
        var remaining = budget;
        var priority = Enumerable.Range(0, messages.Count)
            .OrderBy(i => messages[i].Role == "user" ? 0 : 1)
            .ThenBy(i => i);
        var first = true;
        foreach (var i in priority)
        {
            var cap = first && messages[i].Role == "user" ? budget / 2 : budget / 4;
            first = false;
            var allowance = Math.Min(cap, remaining) - LabelTokens;
            if (allowance < MinPieceTokens) continue;
            var piece = Counter.Truncate(messages[i].Text, allowance);
            if (piece.Length == 0) continue;
            pieces[i] = piece;
            remaining -= Counter.Count(piece) + LabelTokens;
        }
        return pieces;
    }

    // Every message of every conversation is cleaned as it is read: the pointer regex runs only where a pointer can be,
    // and whitespace is folded by hand (a regex replace per space was most of building a digest).
    private static string Clean(string text) =>
        FoldWhitespace(text.Contains("://", StringComparison.Ordinal) ? AssetPointer().Replace(text, " ") : text);

    // Each run of whitespace (char.IsWhiteSpace, as the regex's \s) as one space, none at either end. Most of a message
    // is already folded (single spaces between words): the text is copied up to each place that is not (a space beside
    // another, or any other white space), both found by vectorized searches, and only there is a run folded.
    internal static string FoldWhitespace(string text)
    {
        var trimmed = text.AsSpan().Trim();
        var rest = trimmed;
        var next = NextToFold(rest);
        if (next < 0) return trimmed.Length == text.Length ? text : trimmed.ToString();

        var buffer = ArrayPool<char>.Shared.Rent(trimmed.Length);
        try
        {
            var length = 0;
            while (next >= 0)
            {
                rest[..next].CopyTo(buffer.AsSpan(length));
                length += next;
                // The run goes on to the next character that is not white space: the trimmed text ends with one. A single
                // space just before it was copied already and stands for the whole run.
                var run = rest[next..];
                var runLength = run.IndexOfAnyExcept(WhiteSpace);
                if (length == 0 || buffer[length - 1] != ' ') buffer[length++] = ' ';
                rest = run[runLength..];
                next = NextToFold(rest);
            }
            rest.CopyTo(buffer.AsSpan(length));
            return new string(buffer, 0, length + rest.Length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }

    // Where the text first stops being folded: two spaces, or white space other than a space. -1 when it never does.
    private static int NextToFold(ReadOnlySpan<char> text)
    {
        var other = text.IndexOfAny(WhiteSpaceButSpace);
        var doubled = (other < 0 ? text : text[..other]).IndexOf("  ", StringComparison.Ordinal);
        return doubled >= 0 ? doubled : other;
    }

    private static readonly char[] WhiteSpaceChars =
        Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c).Where(char.IsWhiteSpace).ToArray();
    private static readonly SearchValues<char> WhiteSpace = SearchValues.Create(WhiteSpaceChars);
    private static readonly SearchValues<char> WhiteSpaceButSpace = SearchValues.Create(WhiteSpaceChars.Where(c => c != ' ').ToArray());

    private static string Hash(string title, string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{FormatVersion}\n{title}\n{text}")));

    // The reader shows a file as "[image: name]", or "[image: sediment://file_...]" when it has no name: the marker
    // goes with its pointer; a bare pointer goes too. A named file stays: its name may say what it is about.
    [GeneratedRegex(@"\[(?:image|audio|video|file): (?:sediment|file-service)://[^\]]*\]|\b(?:sediment|file-service)://\S+")]
    private static partial Regex AssetPointer();
}
