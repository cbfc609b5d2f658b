namespace ChatOrganizer.Web.Models;

/// <param name="ExpiresAt">When the browser's session cookie ends unless used before (it slides); null for a bearer token.</param>
/// <param name="Handoff">A code just made, shown once.</param>
public sealed record SessionPage(DateTime? ExpiresAt, HandoffCode? Handoff, string? Code, string? Error);

public sealed record HandoffCode(string Code, string Link, DateTime ExpiresAt);
