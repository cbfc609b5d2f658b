using System.Security.Cryptography;
using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Storage;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Results;

// A person moving conversations to another category of the job's set: kept for the session by conversation id and set,
// so they win over the engine here and in every later job of the same set, and they teach later runs
// (ExamplesAsync). One call is one action, which an undo takes back whole.
public sealed class Corrections(ChatOrganizerDb db, TimeProvider time)
{
    // Conversations one action may move: a whole page of a group and more, bounded for one transaction.
    public const int MaxPerAction = 1000;

    // Corrections a later run learns from: the newest, enough for neighbours and prompt examples.
    public const int MaxExamples = 200;

    // changes: Conversations by export index, each with its new category; a null category takes the person's choice back.
    public async Task<CorrectionOutcome> ApplyAsync(string ownerId, string jobId, IReadOnlyList<CorrectionRequest> changes, CancellationToken cancellationToken)
    {
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId)
            .Select(j => new { j.Mode, j.CategorySetId, j.CategorySetJson, j.CategorySetName }).FirstOrDefaultAsync(cancellationToken);
        if (job is null) return CorrectionOutcome.NoJob;
        if (job.Mode != JobMode.Topic || job.CategorySetId is null || job.CategorySetJson is null)
            return CorrectionOutcome.Invalid("This job files conversations by date, not by category, so there is nothing to correct.");
        if (changes.Count == 0) return CorrectionOutcome.Invalid("Choose at least one conversation to move.");
        if (changes.Count > MaxPerAction) return CorrectionOutcome.Invalid($"One correction moves at most {MaxPerAction} conversations; send the rest apart.");

        var set = CategorySetService.FromSnapshot(job.CategorySetJson);
        var named = new Dictionary<int, string?>();
        foreach (var change in changes)
        {
            var category = change.Category is null ? null : Resolve(change.Category, set);
            if (change.Category is not null && category is null)
            {
                return CorrectionOutcome.Invalid(set.AllowNewCategories
                    ? $"“{Shorten(change.Category)}” cannot be a category: give a name of 1 to {CategorySet.MaxNameLength} characters."
                    : $"“{Shorten(change.Category)}” is not a category of “{job.CategorySetName}”. Choose one of: {string.Join(", ", set.EffectiveCategories.Select(c => c.Name))}.");
            }
            named[change.Index] = category;
        }

        var indexes = named.Keys.ToList();
        var conversations = await db.Conversations.AsNoTracking()
            .Where(c => c.JobId == jobId && indexes.Contains(c.Index))
            .Select(c => new { c.Index, c.ConversationId, c.DigestTitle, c.DigestText, c.Title })
            .ToListAsync(cancellationToken);
        var missing = indexes.Except(conversations.Select(c => c.Index)).Order().ToList();
        if (missing.Count > 0)
            return CorrectionOutcome.Unknown($"This job has no conversation #{string.Join(", #", missing.Take(10))}.");
        if (conversations.FirstOrDefault(c => c.ConversationId is null) is { } anonymous)
            return CorrectionOutcome.Invalid($"Conversation #{anonymous.Index} has no id in the export, so a correction of it could not be kept.");

        var ids = conversations.Select(c => c.ConversationId!).Distinct(StringComparer.Ordinal).ToList();
        var existing = await db.Corrections
            .Where(k => k.OwnerId == ownerId && k.CategorySetId == job.CategorySetId && ids.Contains(k.ConversationId))
            .ToDictionaryAsync(k => k.ConversationId, StringComparer.Ordinal, cancellationToken);
        var batch = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(12));
        var now = time.GetUtcNow().UtcDateTime;
        var moved = 0;
        foreach (var c in conversations)
        {
            var category = named[c.Index];
            var id = c.ConversationId!;
            if (existing.TryGetValue(id, out var kept))
            {
                if (category is null)
                {
                    db.Corrections.Remove(kept);
                    existing.Remove(id);
                }
                else if (kept.Category != category)
                {
                    kept.PreviousCategory = kept.Category;
                    kept.Category = category;
                    kept.Batch = batch;
                    kept.CorrectedAt = now;
                }
                else
                {
                    continue;
                }
                moved++;
            }
            else if (category is not null)
            {
                existing[id] = db.Corrections.Add(new Correction
                {
                    OwnerId = ownerId,
                    CategorySetId = job.CategorySetId,
                    ConversationId = id,
                    Category = category,
                    Batch = batch,
                    DigestTitle = c.DigestTitle ?? c.Title,
                    DigestText = c.DigestText,
                    CorrectedAt = now,
                }).Entity;
                moved++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return CorrectionOutcome.Done(batch, moved, named.Values.Distinct().Count() == 1 ? named.Values.First() : null);
    }

    // Takes one action back: each conversation returns to the person's earlier choice, or to the engine's.
    // Returns Conversations put back; null when the job is not this session's.
    public async Task<int?> UndoAsync(string ownerId, string jobId, string batch, CancellationToken cancellationToken)
    {
        var setId = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId)
            .Select(j => new { j.CategorySetId }).FirstOrDefaultAsync(cancellationToken);
        if (setId is null) return null;
        if (string.IsNullOrEmpty(batch) || setId.CategorySetId is null) return 0;

        var made = await db.Corrections
            .Where(k => k.OwnerId == ownerId && k.CategorySetId == setId.CategorySetId && k.Batch == batch)
            .ToListAsync(cancellationToken);
        foreach (var correction in made)
        {
            if (correction.PreviousCategory is { } earlier)
            {
                correction.Category = earlier;
                correction.PreviousCategory = null;
                correction.Batch = "";
            }
            else
            {
                db.Corrections.Remove(correction);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        return made.Count;
    }

    // What the form offers: the job's categories, and whether new ones may be named; null for another session's job or one by date.
    public async Task<(IReadOnlyList<string> Categories, bool AllowNew)?> ChoicesAsync(string ownerId, string jobId, CancellationToken cancellationToken)
    {
        var snapshot = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId && j.Mode == JobMode.Topic && j.CategorySetId != null)
            .Select(j => j.CategorySetJson).FirstOrDefaultAsync(cancellationToken);
        if (snapshot is null) return null;
        var set = CategorySetService.FromSnapshot(snapshot);
        return ([.. set.EffectiveCategories.Select(c => c.Name)], set.AllowNewCategories);
    }

    // What one action still holds (for its undo): how many conversations, and the one category they went to.
    public async Task<CorrectionUndoable?> ActionAsync(string ownerId, string jobId, string batch, CancellationToken cancellationToken)
    {
        var setId = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId && j.OwnerId == ownerId).Select(j => j.CategorySetId).FirstOrDefaultAsync(cancellationToken);
        if (setId is null || string.IsNullOrEmpty(batch)) return null;
        var categories = await db.Corrections.AsNoTracking()
            .Where(k => k.OwnerId == ownerId && k.CategorySetId == setId && k.Batch == batch)
            .Select(k => k.Category).ToListAsync(cancellationToken);
        return categories.Count == 0 ? null : new CorrectionUndoable(categories.Count, categories.Distinct().Count() == 1 ? categories[0] : null);
    }

    // The session's newest corrections of a set, as labelled conversations for a later run to learn from.
    public static async Task<IReadOnlyList<LabelledExample>> ExamplesAsync(ChatOrganizerDb db, string ownerId, string categorySetId, CancellationToken cancellationToken)
    {
        var rows = await db.Corrections.AsNoTracking()
            .Where(k => k.OwnerId == ownerId && k.CategorySetId == categorySetId)
            .OrderByDescending(k => k.CorrectedAt)
            .Take(MaxExamples)
            .Select(k => new { k.ConversationId, k.DigestTitle, k.DigestText, k.Category })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(k => new LabelledExample(new ConversationDigest(k.ConversationId, k.DigestTitle ?? "", k.DigestText ?? "", 0, ""), k.Category))];
    }

    // The set's own spelling of a listed category; a new name where the set allows new ones; else null.
    private static string? Resolve(string named, CategorySet set)
    {
        if (set.Find(named) is { } listed) return listed.Name;
        if (!set.AllowNewCategories) return null;
        var name = string.Join(' ', named.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return name.Length is 0 or > CategorySet.MaxNameLength ? null : name;
    }

    private static string Shorten(string text) => TextCut.Fit(text, 41, "…");
}

public sealed record CorrectionUndoable(int Moved, string? Category);

// Category: The category to file it under; null to take the person's choice back (the engine's stands again).
public sealed record CorrectionRequest(int Index, string? Category);

// Batch: The action's id, for its undo.
// Category: The one category every conversation went to, when they all went to one.
public sealed record CorrectionOutcome(CorrectionResult Result, string? Problem = null, string? Batch = null, int Moved = 0, string? Category = null)
{
    public static CorrectionOutcome NoJob { get; } = new(CorrectionResult.NoJob);

    public static CorrectionOutcome Invalid(string problem) => new(CorrectionResult.Invalid, problem);

    public static CorrectionOutcome Unknown(string problem) => new(CorrectionResult.UnknownConversation, problem);

    public static CorrectionOutcome Done(string batch, int moved, string? category) => new(CorrectionResult.Done, Batch: batch, Moved: moved, Category: category);
}

public enum CorrectionResult
{
    Done,
    NoJob,
    UnknownConversation,
    Invalid,
}
