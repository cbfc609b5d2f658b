using System.Security.Cryptography;
using System.Text.Json;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.CategorySets;

// A session's category sets, plus the built-in default every session sees: it can be read and copied
// (read it, post it as a new set) but not changed or deleted. Validation is the engine's
// (CategorySet's rules), so the API, the form and the categorizer agree.
public sealed class CategorySetService(ChatOrganizerDb db, TimeProvider time)
{
    public const string DefaultId = "default";

    // Sets one session may keep: enough for anyone, bounded for the database.
    public const int MaxSetsPerSession = 100;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<IReadOnlyList<CategorySetView>> ListAsync(string ownerId, CancellationToken cancellationToken)
    {
        var saved = await db.CategorySets.AsNoTracking().Where(s => s.OwnerId == ownerId).OrderBy(s => s.CreatedAt).ToListAsync(cancellationToken);
        return [Default, .. saved.Select(View)];
    }

    // The set, or null when there is no such set in this session.
    public async Task<CategorySetView?> GetAsync(string ownerId, string id, CancellationToken cancellationToken)
    {
        if (id == DefaultId) return Default;
        var saved = await db.CategorySets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id && s.OwnerId == ownerId, cancellationToken);
        return saved is null ? null : View(saved);
    }

    public async Task<CategorySetChange> CreateAsync(string ownerId, CategorySetInput input, CancellationToken cancellationToken)
    {
        var (set, problems) = Validate(input);
        if (set is null) return CategorySetChange.Invalid(problems);
        if (await db.CategorySets.CountAsync(s => s.OwnerId == ownerId, cancellationToken) >= MaxSetsPerSession)
        {
            return CategorySetChange.Invalid([$"You already have {MaxSetsPerSession} category sets; delete one first."]);
        }

        var now = time.GetUtcNow().UtcDateTime;
        var saved = new SavedCategorySet
        {
            Id = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(12)),
            OwnerId = ownerId,
            Name = set.Name,
            CategoriesJson = JsonSerializer.Serialize(set.Categories, Json),
            AllowNewCategories = set.AllowNewCategories,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.CategorySets.Add(saved);
        await db.SaveChangesAsync(cancellationToken);
        return CategorySetChange.Done(View(saved));
    }

    public async Task<CategorySetChange> UpdateAsync(string ownerId, string id, CategorySetInput input, CancellationToken cancellationToken)
    {
        if (id == DefaultId) return CategorySetChange.BuiltIn;
        var saved = await db.CategorySets.FirstOrDefaultAsync(s => s.Id == id && s.OwnerId == ownerId, cancellationToken);
        if (saved is null) return CategorySetChange.NotFound;

        var (set, problems) = Validate(input);
        if (set is null) return CategorySetChange.Invalid(problems);
        saved.Name = set.Name;
        saved.CategoriesJson = JsonSerializer.Serialize(set.Categories, Json);
        saved.AllowNewCategories = set.AllowNewCategories;
        saved.UpdatedAt = time.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(cancellationToken);
        return CategorySetChange.Done(View(saved));
    }

    // Jobs already started keep their own copy of the set, so deleting it changes none of them.
    public async Task<CategorySetChange> DeleteAsync(string ownerId, string id, CancellationToken cancellationToken)
    {
        if (id == DefaultId) return CategorySetChange.BuiltIn;
        var deleted = await db.CategorySets.Where(s => s.Id == id && s.OwnerId == ownerId).ExecuteDeleteAsync(cancellationToken);
        return deleted == 0 ? CategorySetChange.NotFound : CategorySetChange.Done(null);
    }

    // The set the input describes, or every problem with it (sentences a person understands).
    public static (CategorySet? Set, IReadOnlyList<string> Problems) Validate(CategorySetInput input) =>
        CategorySet.Create(
            input.Name,
            (input.Categories ?? []).Select(c => new Category(c.Name ?? "", c.Description, c.Keywords)),
            input.AllowNewCategories);

    // A new set of the session's own from the topics its discover job found; not found for another session's job.
    public async Task<CategorySetChange> CreateFromDiscoveryAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking()
            .Where(j => j.Id == jobId && j.OwnerId == ownerId && j.Mode == JobMode.Discover)
            .Select(j => new { j.FileName, j.DiscoveredTopicsJson })
            .FirstOrDefaultAsync(cancellationToken);
        if (Jobs.TopicDiscovery.Categories(job?.DiscoveredTopicsJson) is not { } categories) return CategorySetChange.NotFound;
        var name = $"Topics of {job!.FileName}";
        return await CreateAsync(ownerId, new CategorySetInput(name.Length > CategorySet.MaxNameLength ? name[..CategorySet.MaxNameLength] : name, categories), cancellationToken);
    }

    // A job's own copy of its set, taken when the job is created.
    internal static string Snapshot(CategorySetView set) => JsonSerializer.Serialize(set, Json);

    internal static CategorySet FromSnapshot(string json) =>
        (JsonSerializer.Deserialize<CategorySetView>(json, Json) ?? throw new InvalidDataException("A stored category set is empty.")).ToCategorySet();

    private static CategorySetView Default { get; } = new(
        DefaultId, CategorySet.Default.Name, IsBuiltIn: true, CategorySet.Default.AllowNewCategories,
        [.. CategorySet.Default.Categories.Select(CategoryView.From)], CreatedAt: null, UpdatedAt: null);

    private static CategorySetView View(SavedCategorySet saved) => new(
        saved.Id, saved.Name, IsBuiltIn: false, saved.AllowNewCategories,
        [.. (JsonSerializer.Deserialize<List<Category>>(saved.CategoriesJson, Json) ?? []).Select(CategoryView.From)],
        saved.CreatedAt, saved.UpdatedAt);
}

// What a person sends to create or replace a set (the API's body, the form's fields).
public sealed record CategorySetInput(string? Name, IReadOnlyList<CategoryInput>? Categories, bool AllowNewCategories = false);

public sealed record CategoryInput(string? Name, string? Description = null, IReadOnlyList<string>? Keywords = null);

// IsBuiltIn: The default set: visible to everyone, copyable, never changed.
public sealed record CategorySetView(
    string Id,
    string Name,
    bool IsBuiltIn,
    bool AllowNewCategories,
    IReadOnlyList<CategoryView> Categories,
    DateTime? CreatedAt,
    DateTime? UpdatedAt)
{
    public CategorySet ToCategorySet() => new(Name, [.. Categories.Select(c => new Category(c.Name, c.Description, c.Keywords))], AllowNewCategories);
}

public sealed record CategoryView(string Name, string? Description, IReadOnlyList<string> Keywords)
{
    public static CategoryView From(Category category) => new(category.Name, category.Description, category.Keywords ?? []);
}

// How a change went: done (with the set, null after a delete), not found, the built-in set, or invalid with its problems.
public sealed record CategorySetChange(CategorySetOutcome Outcome, CategorySetView? Set, IReadOnlyList<string> Problems)
{
    public static CategorySetChange NotFound { get; } = new(CategorySetOutcome.NotFound, null, []);
    public static CategorySetChange BuiltIn { get; } = new(CategorySetOutcome.BuiltIn, null, []);
    public static CategorySetChange Done(CategorySetView? set) => new(CategorySetOutcome.Done, set, []);
    public static CategorySetChange Invalid(IReadOnlyList<string> problems) => new(CategorySetOutcome.Invalid, null, problems);
}

public enum CategorySetOutcome
{
    Done,
    NotFound,
    BuiltIn,
    Invalid,
}
