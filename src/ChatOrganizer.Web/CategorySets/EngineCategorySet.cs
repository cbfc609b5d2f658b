using ChatOrganizer.Categorization;

namespace ChatOrganizer.Web.CategorySets;

// INTERIM until the categorization engine (issue 3) lands on main: it brings CategorySet.Validate() and
// CategorySet.Default. Then this file goes and its callers use those.
internal static class EngineCategorySet
{
    public static CategorySet Default { get; } = new("Topics",
        [new("Programming & Development"), new("Writing & Content Creation"), new("Learning & Education"), new("Other")]);

    public static IReadOnlyList<string> Validate(CategorySet set)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(set.Name)) problems.Add("The category set needs a name.");
        if (set.Categories.Count == 0) problems.Add("The category set needs at least one category.");
        foreach (var (category, index) in set.Categories.Select((c, i) => (c, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(category.Name)) problems.Add($"Category {index} needs a name.");
        }
        foreach (var duplicate in set.Categories.Where(c => c.Name.Length > 0).GroupBy(c => c.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
        {
            problems.Add($"Category '{duplicate.Key}' appears {duplicate.Count()} times; names must be unique (ignoring case).");
        }
        return problems;
    }
}
