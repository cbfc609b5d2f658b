using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Search;

namespace ChatOrganizer.Web.Models;

/// <param name="Jobs">The session's jobs, for the job filter.</param>
/// <param name="Results">Null until something was searched for.</param>
/// <param name="Error">Why the search could not be made (a month not written yyyy-MM...).</param>
public sealed record SearchPage(
    string Query, string? Category, string? Month, string? JobId, string? Model, IReadOnlyList<JobProgress> Jobs,
    SearchResults? Results = null, string? Error = null);
