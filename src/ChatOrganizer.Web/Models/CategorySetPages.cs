using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;

namespace ChatOrganizer.Web.Models;

// Deleted: A set was just deleted: say so.
// Saved: A set was just saved: say so (the page scrolls to it).
// Problem: Why the last action (a copy) was refused.
public sealed record CategorySetListPage(IReadOnlyList<CategorySetView> Sets, bool Deleted, bool Saved, string? Problem);

// The set form as posted: plain properties so MVC binds Categories[3].Name and the like.
public sealed class CategorySetForm
{
    public const int BlankRows = 3;

    public string? Name { get; set; }
    public bool AllowNewCategories { get; set; }
    public List<CategoryRow> Categories { get; set; } = [];

    public static CategorySetForm Blank() => new() { Categories = [.. Enumerable.Range(0, BlankRows).Select(_ => new CategoryRow())] };

    public static CategorySetForm From(CategorySetView set) => new()
    {
        Name = set.Name,
        AllowNewCategories = set.AllowNewCategories,
        Categories = [.. set.Categories.Select(c => new CategoryRow { Name = c.Name, Description = c.Description, Keywords = string.Join(", ", c.Keywords) })],
    };

    // Rows left wholly empty are dropped rather than reported: the form offers spare rows.
    public void DropBlankRows() => Categories.RemoveAll(row => row.IsBlank);

    public CategorySetInput ToInput() => new(
        Name,
        [.. Categories.Select(row => new CategoryInput(row.Name, row.Description, row.KeywordList))],
        AllowNewCategories);
}

public sealed class CategoryRow
{
    public string? Name { get; set; }
    public string? Description { get; set; }

    // Comma-separated, as typed.
    public string? Keywords { get; set; }

    public bool IsBlank => string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Description) && string.IsNullOrWhiteSpace(Keywords);

    public IReadOnlyList<string> KeywordList => (Keywords ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
}

// Id: Null for a new set.
// Problems: Every problem, for the summary at the top.
// RowProblems: The problems that name a row, shown beside it as well.
public sealed record CategorySetEditPage(string? Id, CategorySetForm Form, IReadOnlyList<string> Problems, IReadOnlyList<IReadOnlyList<string>> RowProblems)
{
    public static CategorySetEditPage For(string? id, CategorySetForm form, IReadOnlyList<string>? problems = null)
    {
        problems ??= [];
        return new(id, form, problems, [.. form.Categories.Select((row, index) => (IReadOnlyList<string>)[.. problems.Where(p => Names(p, row, index))])]);
    }

    public bool IsNew => Id is null;

    public string? Action => IsNew ? "/category-sets/new" : $"/category-sets/{Id}";

    // CategorySet.Validate words a row's problem as "Category 3 ..." (by position) or "Category 'Name' ..." (by
    // name, cut after 20 characters when too long): enough to show the sentence next to the row it is about.
    private static bool Names(string problem, CategoryRow row, int index)
    {
        if (problem.StartsWith($"Category {index + 1} ", StringComparison.Ordinal)) return true;
        var name = row.Name?.Trim();
        if (string.IsNullOrEmpty(name)) return false;
        var quoted = name.Length > CategorySet.MaxNameLength ? $"'{name[..20]}...'" : $"'{name}'";
        return problem.Contains(quoted, StringComparison.OrdinalIgnoreCase);
    }
}
