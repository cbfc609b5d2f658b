using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Security;

// A person's own OpenAI key is never kept in clear: it becomes a Data Protection token that expires
// (and only opens for the session that made it), then a job-scoped token the job deletes when it ends.
public sealed class ApiKeyProtector(IDataProtectionProvider dataProtection, IOptions<ApiKeyOptions> options, TimeProvider time)
{
    // Purposes isolate the two token kinds: a session token can't be replayed as a job's and vice versa.
    private readonly IDataProtector _sessionTokens = dataProtection.CreateProtector("ChatOrganizer.ApiKey.Session.v1");
    private readonly IDataProtector _jobTokens = dataProtection.CreateProtector("ChatOrganizer.ApiKey.Job.v1");

    public const int MaxKeyLength = 512;

    public KeyToken ProtectForSession(string apiKey, string sessionId)
    {
        var expiresAt = time.GetUtcNow() + options.Value.TokenLifetime;
        return new KeyToken(Protect(_sessionTokens, sessionId, apiKey, expiresAt), expiresAt);
    }

    // Returns The key, or null when the token is expired, forged, or from another session.
    public string? UnprotectForSession(string token, string sessionId) => Unprotect(_sessionTokens, sessionId, token);

    public string ProtectForJob(string apiKey, string jobId) =>
        Protect(_jobTokens, jobId, apiKey, time.GetUtcNow() + options.Value.JobKeyLifetime);

    public string? UnprotectForJob(string protectedKey, string jobId) => Unprotect(_jobTokens, jobId, protectedKey);

    public static bool LooksLikeAKey(string? apiKey) =>
        apiKey is { Length: > 0 and <= MaxKeyLength } && !apiKey.Any(char.IsWhiteSpace);

    private static string Protect(IDataProtector protector, string owner, string apiKey, DateTimeOffset expiresAt) =>
        protector.CreateProtector(owner).Protect(
            string.Create(CultureInfo.InvariantCulture, $"{expiresAt.ToUnixTimeSeconds()}|{apiKey}"));

    private string? Unprotect(IDataProtector protector, string owner, string token)
    {
        string payload;
        try
        {
            payload = protector.CreateProtector(owner).Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }

        var separator = payload.IndexOf('|', StringComparison.Ordinal);
        if (separator <= 0 || !long.TryParse(payload.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return null;
        }
        return time.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(expires) ? payload[(separator + 1)..] : null;
    }
}

public sealed record KeyToken(string Token, DateTimeOffset ExpiresAt);
