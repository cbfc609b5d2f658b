using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Models;

// Results: The chosen view's groups, already narrowed to Query when there is one.
// Chart: Of the whole job, whatever the filter; null when no conversation has a date.
// PagedGroup: The group turned to another page (?group=); every other shows its first page.
// GroupPage: That group's page, 1-based (?page=).
// NewOnly: Only what no earlier job of the session had as it is (?only=new, re-imports).
public sealed record ResultsPage(
    JobProgress Job, JobResults Results, string? Query, MonthlyChart? Chart, string? PagedGroup = null, int GroupPage = 1, bool NewOnly = false)
{
    // Rows a group lists per page: tens of thousands of conversations would make a page of many megabytes that a
    // phone struggles with, and nobody reads past the first hundred of a group in one go.
    public const int RowsPerGroup = 100;

    // The largest groups start open, so the page shows conversations at once without listing them all.
    public const int OpenGroups = 3;

    public const string Order = "Newest first";

    public int PageOf(ResultGroup group) => group.Key == PagedGroup ? Math.Clamp(GroupPage, 1, Pages(group)) : 1;

    public static int Pages(ResultGroup group) => Math.Max(1, (group.Conversations.Count + RowsPerGroup - 1) / RowsPerGroup);

    public IEnumerable<ResultConversation> Rows(ResultGroup group) =>
        group.Conversations.Skip((PageOf(group) - 1) * RowsPerGroup).Take(RowsPerGroup);

    public bool IsPaged(ResultGroup group) => group.Conversations.Count > RowsPerGroup;

    // "101–200 of 345".
    public string Range(ResultGroup group)
    {
        var first = (PageOf(group) - 1) * RowsPerGroup + 1;
        var last = Math.Min(group.Conversations.Count, first + RowsPerGroup - 1);
        return $"{Display.Count(first)}–{Display.Count(last)} of {Display.Count(group.Conversations.Count)}";
    }

    public string PageLink(ResultGroup group, int position, int page) =>
        Link(View) + $"&group={Uri.EscapeDataString(group.Key)}&page={page}#group-{position}";

    // A filter opens every group left; otherwise the largest few (all when there are few) and the one paged through.
    public bool IsOpen(ResultGroup group) =>
        Query is not null || group.Key == PagedGroup || LargestGroups.Contains(group.Key);

    private HashSet<string> LargestGroups => field ??= [.. Results.Groups.OrderByDescending(g => g.Count).Take(OpenGroups).Select(g => g.Key)];

    // Where a conversation's link leads: the viewer, told the view it came from for its previous and next.
    public string ConversationLink(ResultConversation conversation) =>
        $"/jobs/{Job.Id}/conversations/{conversation.Index}?view={Key(View)}" + (Query is { Length: > 0 } q ? $"&q={Uri.EscapeDataString(q)}" : "");

    // Jobs grouped by month or year have no topics to show.
    public IReadOnlyList<GroupBy> Views => ShowsCategories ? [GroupBy.Topic, GroupBy.Month, GroupBy.Year] : [GroupBy.Month, GroupBy.Year];

    public GroupBy View => Results.GroupBy;

    public bool ShowsCategories => Job.Mode is JobMode.Topic or JobMode.Discover;

    // Conversations on the page: those in groups, plus the failed ones a topic view lists apart.
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

// Link: The viewer's address, with the view it came from.
// ShowCategory: In month and year views of a topic job, each conversation shows its category.
public sealed record ConversationItem(string Link, ResultConversation Conversation, bool ShowCategory);

// The corrections form of a topic job (results page, or one conversation in the viewer).
// Index: The viewer's conversation; null on the results page, where ticked conversations move.
// ReturnTo: The page to land back on after a move or an undo.
// Undo: The action just made, to take back: its id, how many it moved and where.
// Undone: Conversations an undo just put back.
public sealed record CorrectionForm(
    string JobId, IReadOnlyList<string> Categories, bool AllowNew, int? Index, string? Current, bool Corrected, string? EngineCategory,
    string ReturnTo, CorrectionUndo? Undo, int? Undone);

public sealed record CorrectionUndo(string Batch, int Moved, string? Category);

// Back: The page the form was on.
public sealed record CorrectionProblem(string Problem, string Back);
