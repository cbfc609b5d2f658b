namespace ChatOrganizer.Web.Models;

// ExpiresAt: When the browser's session cookie ends unless used before (it slides); null for a bearer token.
// Handoff: A code just made, shown once.
// Joining: the page was opened by a one-time link (or a code was just refused): the form that uses it comes first.
public sealed record SessionPage(DateTime? ExpiresAt, HandoffCode? Handoff, string? Code, string? Error, bool Joining = false);

public sealed record HandoffCode(string Code, string Link, DateTime ExpiresAt);
