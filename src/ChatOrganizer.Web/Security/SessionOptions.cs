namespace ChatOrganizer.Web.Security;

public sealed class SessionOptions
{
    public const string Section = "Security:Sessions";

    // An idle browser session ends after this; its data is kept until retention expires it.
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(14);

    // Lifetime of a bearer token from POST /api/session.
    public TimeSpan BearerTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
