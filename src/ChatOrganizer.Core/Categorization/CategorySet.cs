namespace ChatOrganizer.Categorization;

/// <summary>A named list of categories a person files conversations under.</summary>
/// <param name="AllowNewCategories">
/// When true the model may propose a category outside the list; when false the set holds <c>Other</c>
/// so every conversation has somewhere to go.
/// </param>
public sealed record CategorySet(string Name, IReadOnlyList<Category> Categories, bool AllowNewCategories = false);

/// <param name="Keywords">Words the offline categorizer scores on, besides the name and description.</param>
public sealed record Category(string Name, string? Description = null, IReadOnlyList<string>? Keywords = null);
