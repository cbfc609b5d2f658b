using ChatOrganizer.Web.CategorySets;

namespace ChatOrganizer.Web.Models;

/// <param name="ServerHasKey">The server categorizes with its own key: the page asks for none.</param>
/// <param name="Problem">Why the last upload was refused, as a sentence; null on a fresh page.</param>
public sealed record UploadPage(
    IReadOnlyList<CategorySetView> CategorySets,
    string DefaultModel,
    IReadOnlyList<string> PricedModels,
    bool ServerHasKey,
    long MaxUploadBytes,
    UploadChoices Choices,
    string? Problem);

/// <summary>What the person picked, kept when the page comes back with a problem (never the file or the key).</summary>
public sealed record UploadChoices(string Mode = UploadChoices.Topic, string? CategorySetId = null, string? Model = null, bool EstimateFirst = true)
{
    public const string Topic = "topic";

    public static UploadChoices From(Func<string, string?> field) => new(
        field("mode") ?? Topic,
        field("categorySetId"),
        field("model"),
        EstimateFirst: field(UploadFields.EstimateFirst) is not null);
}

/// <summary>The upload form's field names, where the form and the controller must agree.</summary>
public static class UploadFields
{
    public const string File = "file";
    public const string ApiKey = "apiKey";
    public const string EstimateFirst = "estimateFirst";
}
