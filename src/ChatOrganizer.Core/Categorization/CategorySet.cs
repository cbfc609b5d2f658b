using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace ChatOrganizer.Categorization;

// A named list of categories a person files conversations under.
// AllowNewCategories:
// When true the model may propose a category outside the list; when false the set holds Other
// so every conversation has somewhere to go.
public sealed partial record CategorySet(string Name, IReadOnlyList<Category> Categories, bool AllowNewCategories = false)
{
    public const string OtherName = "Other";
    public const int MaxCategories = 100;
    public const int MaxNameLength = 60;
    public const int MaxSetNameLength = 200;

    // A description is sent with every request: long ones cost tokens on each batch.
    public const int MaxDescriptionLength = 500;

    // A set as a person wrote it (a form, the API, a file), trimmed (blank descriptions, keywords and examples
    // dropped), or every problem with it: the one rule for the web app and the CLI.
    public static (CategorySet? Set, IReadOnlyList<string> Problems) Create(string? name, IEnumerable<Category> categories, bool allowNewCategories)
    {
        var set = new CategorySet(
            name?.Trim() ?? "",
            [.. categories.Select(c => new Category(
                c.Name?.Trim() ?? "",
                string.IsNullOrWhiteSpace(c.Description) ? null : c.Description.Trim(),
                Words(c.Keywords),
                Words(c.Examples)))],
            allowNewCategories);
        var problems = set.Validate();
        return problems.Count == 0 ? (set, problems) : (null, problems);

        static IReadOnlyList<string>? Words(IReadOnlyList<string>? words) =>
            words?.Select(w => w?.Trim() ?? "").Where(w => w.Length > 0).ToList() is { Count: > 0 } kept ? kept : null;
    }

    // What a conversation may be filed under: the list, plus Other when new categories are not allowed
    // and the list lacks it.
    public IReadOnlyList<Category> EffectiveCategories =>
        AllowNewCategories || Categories.Any(c => IsOther(c.Name))
            ? Categories
            : [.. Categories, new Category(OtherName, "Anything that fits none of the other categories.")];

    // The set's category with this name, ignoring case; null when there is none.
    public Category? Find(string name) =>
        EffectiveCategories.FirstOrDefault(c => string.Equals(c.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));

    // SHA-256 (hex) of what the model is asked to choose from: names, descriptions, whether new categories are
    // allowed, and the prompt's version. Keywords and the set's own name are left out: they do not change a model's answer.
    public string ComputeHash()
    {
        var canonical = JsonSerializer.Serialize(new
        {
            prompt = CategorizationPrompt.Version,
            allowNew = AllowNewCategories,
            categories = EffectiveCategories.Select(c => new[] { c.Name, c.Description ?? "" }),
        });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    // Every problem with the set, each a sentence a person understands; empty when the set is usable.
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) problems.Add("The category set needs a name.");
        else if (Name.Length > MaxSetNameLength) problems.Add($"The set's name is longer than {MaxSetNameLength} characters.");
        if (Categories.Count == 0) problems.Add("The category set needs at least one category.");
        if (Categories.Count > MaxCategories)
            problems.Add($"The category set has {Categories.Count} categories; at most {MaxCategories} are allowed.");
        foreach (var (category, index) in Categories.Select((c, i) => (c, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(category.Name)) problems.Add($"Category {index} needs a name.");
            else if (category.Name.Length > MaxNameLength)
                problems.Add($"Category '{category.Name[..20]}...' is longer than {MaxNameLength} characters.");
        }
        if (Categories.Any(c => c.Description?.Length > MaxDescriptionLength))
        {
            problems.Add($"Category descriptions can be at most {MaxDescriptionLength} characters.");
        }
        foreach (var duplicate in Categories
            .Where(c => !string.IsNullOrWhiteSpace(c.Name))
            .GroupBy(c => c.Name.Trim(), StringComparer.OrdinalIgnoreCase)
            .Where(g => g.Count() > 1))
        {
            problems.Add($"Category '{duplicate.Key}' appears {duplicate.Count()} times; names must be unique (ignoring case).");
        }
        return problems;
    }

    // The set's catch-all: its category named Other, or the same word in another language (기타, 其他, その他, Otros,
    // Sonstiges...); null when it has none (only when new categories are allowed).
    public Category? CatchAll => EffectiveCategories.FirstOrDefault(c => IsOther(c.Name));

    // Whether a category name is a catch-all in one of the languages people name their sets in.
    public static bool IsOther(string name) => CatchAllNames.Contains(name.Trim());

    private static readonly HashSet<string> CatchAllNames = new(StringComparer.OrdinalIgnoreCase)
    {
        OtherName, "Others", "Misc", "Miscellaneous", "Uncategorized", "Uncategorised", "Everything else",
        "기타", "그 외", "그외", "其他", "其它", "未分类", "未分類", "その他", "そのほか", "Otros", "Otras", "Otro", "Otra",
        "Sonstiges", "Sonstige", "Andere", "Anderes", "Autres", "Autre", "Divers", "Outros", "Outro", "Altro", "Altri", "Overig",
    };
}

// Keywords: Words the offline categorizer scores on, besides the name and description, in any language.
// Examples: Short texts that belong here (a title, a first question): the offline categorizer compares with them too.
public sealed record Category(
    string Name, string? Description = null, IReadOnlyList<string>? Keywords = null, IReadOnlyList<string>? Examples = null);
