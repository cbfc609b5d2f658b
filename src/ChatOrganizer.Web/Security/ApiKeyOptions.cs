namespace ChatOrganizer.Web.Security;

public sealed class ApiKeyOptions
{
    public const string Section = "Security:ApiKeys";

    // How long a key token from the form or POST /api/keys can be used to start a job.
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromMinutes(10);

    // Longest a job may hold a person's key; the job's copy is deleted when it ends, whichever comes first.
    public TimeSpan JobKeyLifetime { get; set; } = TimeSpan.FromHours(24);
}
