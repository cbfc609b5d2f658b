namespace ChatOrganizer.Web.Models;

// ExpiresAt: When the browser's session cookie ends unless used before (it slides); null for a bearer token.
// Handoff: A code just made, shown once.
public sealed record SessionPage(DateTime? ExpiresAt, HandoffCode? Handoff, string? Code, string? Error);

public sealed record HandoffCode(string Code, string Link, DateTime ExpiresAt);
