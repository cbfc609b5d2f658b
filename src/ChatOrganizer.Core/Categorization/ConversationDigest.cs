using ChatOrganizer.Export;

namespace ChatOrganizer.Categorization;

// What the categorizer reads of one conversation: its title and a budgeted excerpt of its visible text.
// Text: Visible user and assistant text of the active path, one User:/Assistant: line per message.
// Tokens:
// Tokens of the digest's line in a request (title, text and their JSON key), counted with the model's tokenizer or
// estimated (see DigestBuilder): what batches are sized and priced by.
//
// Hash:
// SHA-256 of the digest's content (hex): equal hashes mean the model would be asked the same thing, so a
// stored result can be reused. Changes when the conversation's visible text, the budget or the digest format changes.
public sealed record ConversationDigest(string ConversationId, string Title, string Text, int Tokens, string Hash);

// Which conversations fail before categorizing: those with no title and no visible text, failed rather than filed under a guess.
public static class NothingToCategorize
{
    // Why this conversation cannot be categorized; null when it can.
    public static string? Reason(Conversation conversation, ConversationDigest digest)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(digest);
        if (digest is not { Title.Length: 0, Text.Length: 0 }) return null;
        var cause = conversation.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.Reason ?? "It has no title and no visible text.";
        return $"Nothing to categorize: {cause}";
    }
}
