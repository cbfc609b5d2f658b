using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Search;

namespace ChatOrganizer.Web.Models;

// Jobs: The session's jobs, for the job filter.
// Results: Null until something was searched for.
// Error: Why the search could not be made (a month not written yyyy-MM...).
public sealed record SearchPage(
    string Query, string? Category, string? Month, string? JobId, string? Model, IReadOnlyList<JobProgress> Jobs,
    SearchResults? Results = null, string? Error = null);
