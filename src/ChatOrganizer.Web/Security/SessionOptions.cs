namespace ChatOrganizer.Web.Security;

public sealed class SessionOptions
{
    public const string Section = "Security:Sessions";

    /// <summary>An idle browser session ends after this; its data is kept until retention expires it.</summary>
    public TimeSpan CookieLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Lifetime of a bearer token from <c>POST /api/session</c>.</summary>
    public TimeSpan BearerTokenLifetime { get; set; } = TimeSpan.FromHours(8);
}
