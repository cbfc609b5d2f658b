using System.Security.Cryptography;
using System.Text;
using ChatOrganizer.Web.Storage;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Security;

// One-time codes that carry a session to another browser: made on the "Your session" page, they expire after
// Lifetime and open the session once. Only a hash is stored; the code travels in a form body or a
// link's query, never in a log (request paths are not logged: Microsoft.AspNetCore logs warnings only).
public sealed class SessionHandoffs(ChatOrganizerDb db, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    // No 0/O, 1/I/L: read aloud or typed from a phone without mistakes. 12 characters of 31: about 59 bits,
    // ample for a code that lives ten minutes and is refused after one use.
    private const string Alphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    private const int CodeLength = 12;

    public async Task<(string Code, DateTime ExpiresAt)> CreateAsync(string ownerId, CancellationToken cancellationToken)
    {
        var code = RandomNumberGenerator.GetString(Alphabet, CodeLength);
        var now = time.GetUtcNow().UtcDateTime;
        var handoff = new SessionHandoff { CodeHash = Hash(code), OwnerId = ownerId, CreatedAt = now, ExpiresAt = now + Lifetime };
        db.SessionHandoffs.Add(handoff);
        await db.SaveChangesAsync(cancellationToken);
        return (Format(code), handoff.ExpiresAt);
    }

    // The session the code opens, marked used in the same statement; null when unknown, expired or used.
    public async Task<string?> RedeemAsync(string? code, CancellationToken cancellationToken)
    {
        var normalized = Normalize(code);
        if (normalized.Length != CodeLength) return null;

        var hash = Hash(normalized);
        var now = time.GetUtcNow().UtcDateTime;
        var owner = await db.SessionHandoffs.AsNoTracking()
            .Where(h => h.CodeHash == hash && h.UsedAt == null && h.ExpiresAt > now)
            .Select(h => h.OwnerId).FirstOrDefaultAsync(cancellationToken);
        if (owner is null) return null;

        // Only the request whose update finds the code unused gets the session: two at once cannot both use it.
        var claimed = await db.SessionHandoffs.Where(h => h.CodeHash == hash && h.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(h => h.UsedAt, now), cancellationToken);
        return claimed == 1 ? owner : null;
    }

    // Groups of four, as shown: ABCD-EFGH-JKMN.
    private static string Format(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));

    private static string Normalize(string? code) =>
        new([.. (code ?? "").ToUpperInvariant().Where(c => Alphabet.Contains(c, StringComparison.Ordinal))]);

    private static string Hash(string code) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(code)));
}
