namespace ChatOrganizer.Categorization;

/// <summary>What the categorizer reads of one conversation: its title and a budgeted excerpt of its visible text.</summary>
/// <param name="Text">Visible user and assistant text of the active path, one <c>User:</c>/<c>Assistant:</c> line per message.</param>
/// <param name="Tokens">
/// Tokens of the digest's line in a request (title, text and their JSON key), counted with the model's tokenizer or
/// estimated (see <see cref="DigestBuilder"/>): what batches are sized and priced by.
/// </param>
/// <param name="Hash">
/// SHA-256 of the digest's content (hex): equal hashes mean the model would be asked the same thing, so a
/// stored result can be reused. Changes when the conversation's visible text, the budget or the digest format changes.
/// </param>
public sealed record ConversationDigest(string ConversationId, string Title, string Text, int Tokens, string Hash);
