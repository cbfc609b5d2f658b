using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Models;

/// <param name="Results">The chosen view's groups, already narrowed to <see cref="Query"/> when there is one.</param>
/// <param name="Chart">Of the whole job, whatever the filter; null when no conversation has a date.</param>
/// <param name="ExpandedGroup">The group shown whole (<c>?group=</c>); every other shows its first <see cref="RowsPerGroup"/>.</param>
public sealed record ResultsPage(JobProgress Job, JobResults Results, string? Query, MonthlyChart? Chart, string? ExpandedGroup = null, bool NewOnly = false)
{
    /// <summary>
    /// Rows a group lists before "Show all": tens of thousands of conversations would make a page of many
    /// megabytes that a phone struggles with, and nobody reads past the first hundred of a group in one go.
    /// </summary>
    public const int RowsPerGroup = 100;

    public IEnumerable<ResultConversation> Rows(ResultGroup group) =>
        group.Key == ExpandedGroup ? group.Conversations : group.Conversations.Take(RowsPerGroup);

    public bool IsCut(ResultGroup group) => group.Key != ExpandedGroup && group.Conversations.Count > RowsPerGroup;

    /// <summary>True when some group lists only its first rows, so only the server can filter every title.</summary>
    public bool AnyCut => Results.Groups.Any(IsCut);

    public string ShowAllLink(ResultGroup group, int position) =>
        Link(View) + $"&group={Uri.EscapeDataString(group.Key)}#group-{position}";

    /// <summary>Jobs grouped by month or year have no topics to show.</summary>
    public IReadOnlyList<GroupBy> Views => Job.Mode == JobMode.Topic ? [GroupBy.Topic, GroupBy.Month, GroupBy.Year] : [GroupBy.Month, GroupBy.Year];

    public GroupBy View => Results.GroupBy;

    public bool ShowsCategories => Job.Mode == JobMode.Topic;

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

/// <param name="ShowCategory">In month and year views of a topic job, each conversation shows its category.</param>
public sealed record ConversationItem(string JobId, ResultConversation Conversation, bool ShowCategory);
