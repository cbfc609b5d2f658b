namespace ChatOrganizer.Web.Security;

public sealed class ApiKeyOptions
{
    public const string Section = "Security:ApiKeys";

    /// <summary>How long a key token from the form or <c>POST /api/keys</c> can be used to start a job.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Longest a job may hold a person's key; the job's copy is deleted when it ends, whichever comes first.</summary>
    public TimeSpan JobKeyLifetime { get; set; } = TimeSpan.FromHours(24);
}
