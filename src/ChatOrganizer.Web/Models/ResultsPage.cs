using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Models;

/// <param name="Results">The chosen view's groups, already narrowed to <see cref="Query"/> when there is one.</param>
/// <param name="Chart">Of the whole job, whatever the filter; null when no conversation has a date.</param>
/// <param name="PagedGroup">The group turned to another page (<c>?group=</c>); every other shows its first page.</param>
/// <param name="GroupPage">That group's page, 1-based (<c>?page=</c>).</param>
/// <param name="NewOnly">Only what no earlier job of the session had as it is (<c>?only=new</c>, re-imports).</param>
public sealed record ResultsPage(
    JobProgress Job, JobResults Results, string? Query, MonthlyChart? Chart, string? PagedGroup = null, int GroupPage = 1, bool NewOnly = false)
{
    /// <summary>
    /// Rows a group lists per page: tens of thousands of conversations would make a page of many megabytes that a
    /// phone struggles with, and nobody reads past the first hundred of a group in one go.
    /// </summary>
    public const int RowsPerGroup = 100;

    /// <summary>The largest groups start open, so the page shows conversations at once without listing them all.</summary>
    public const int OpenGroups = 3;

    public const string Order = "Newest first";

    public int PageOf(ResultGroup group) => group.Key == PagedGroup ? Math.Clamp(GroupPage, 1, Pages(group)) : 1;

    public static int Pages(ResultGroup group) => Math.Max(1, (group.Conversations.Count + RowsPerGroup - 1) / RowsPerGroup);

    public IEnumerable<ResultConversation> Rows(ResultGroup group) =>
        group.Conversations.Skip((PageOf(group) - 1) * RowsPerGroup).Take(RowsPerGroup);

    public bool IsPaged(ResultGroup group) => group.Conversations.Count > RowsPerGroup;

    /// <summary>"101–200 of 345".</summary>
    public string Range(ResultGroup group)
    {
        var first = (PageOf(group) - 1) * RowsPerGroup + 1;
        var last = Math.Min(group.Conversations.Count, first + RowsPerGroup - 1);
        return $"{Display.Count(first)}–{Display.Count(last)} of {Display.Count(group.Conversations.Count)}";
    }

    public string PageLink(ResultGroup group, int position, int page) =>
        Link(View) + $"&group={Uri.EscapeDataString(group.Key)}&page={page}#group-{position}";

    /// <summary>A filter opens every group left; otherwise the largest few (all when there are few) and the one paged through.</summary>
    public bool IsOpen(ResultGroup group) =>
        Query is not null || group.Key == PagedGroup || LargestGroups.Contains(group.Key);

    private HashSet<string> LargestGroups => field ??= [.. Results.Groups.OrderByDescending(g => g.Count).Take(OpenGroups).Select(g => g.Key)];

    /// <summary>Where a conversation's link leads: the viewer, told the view it came from for its previous and next.</summary>
    public string ConversationLink(ResultConversation conversation) =>
        $"/jobs/{Job.Id}/conversations/{conversation.Index}?view={Key(View)}" + (Query is { Length: > 0 } q ? $"&q={Uri.EscapeDataString(q)}" : "");

    /// <summary>Jobs grouped by month or year have no topics to show.</summary>
    public IReadOnlyList<GroupBy> Views => ShowsCategories ? [GroupBy.Topic, GroupBy.Month, GroupBy.Year] : [GroupBy.Month, GroupBy.Year];

    public GroupBy View => Results.GroupBy;

    public bool ShowsCategories => Job.Mode is JobMode.Topic or JobMode.Discover;

    /// <summary>Conversations on the page: those in groups, plus the failed ones a topic view lists apart.</summary>
    public int Shown => Results.Groups.Sum(g => g.Count) + (View == GroupBy.Topic ? Results.Failed.Count : 0);

    public static GroupBy DefaultView(JobMode mode) => mode switch
    {
        JobMode.Month => GroupBy.Month,
        JobMode.Year => GroupBy.Year,
        _ => GroupBy.Topic,
    };

    public static string Key(GroupBy view) => view.ToString().ToLowerInvariant();

    public static string Label(GroupBy view) => $"By {Key(view)}";

    public string Link(GroupBy view) => $"/jobs/{Job.Id}/results?view={Key(view)}" + (Query is { Length: > 0 } q ? $"&q={Uri.EscapeDataString(q)}" : "");
}

/// <param name="Link">The viewer's address, with the view it came from.</param>
/// <param name="ShowCategory">In month and year views of a topic job, each conversation shows its category.</param>
public sealed record ConversationItem(string Link, ResultConversation Conversation, bool ShowCategory);

/// <summary>The corrections form of a topic job (results page, or one conversation in the viewer).</summary>
/// <param name="Index">The viewer's conversation; null on the results page, where ticked conversations move.</param>
/// <param name="ReturnTo">The page to land back on after a move or an undo.</param>
/// <param name="Undo">The action just made, to take back: its id, how many it moved and where.</param>
/// <param name="Undone">Conversations an undo just put back.</param>
public sealed record CorrectionForm(
    string JobId, IReadOnlyList<string> Categories, bool AllowNew, int? Index, string? Current, bool Corrected, string? EngineCategory,
    string ReturnTo, CorrectionUndo? Undo, int? Undone);

public sealed record CorrectionUndo(string Batch, int Moved, string? Category);

/// <param name="Back">The page the form was on.</param>
public sealed record CorrectionProblem(string Problem, string Back);
