using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Jobs;

namespace ChatOrganizer.Web.Models;

// ServerHasKey: The server categorizes with its own key: the page asks for none.
// Problem: Why the last upload was refused, as a sentence; null on a fresh page.
public sealed record UploadPage(
    IReadOnlyList<CategorySetView> CategorySets,
    string DefaultModel,
    IReadOnlyList<string> PricedModels,
    bool ServerHasKey,
    long MaxUploadBytes,
    UploadChoices Choices,
    string? Problem);

// What the person picked, kept when the page comes back with a problem (never the file or the key).
public sealed record UploadChoices(string Mode = UploadChoices.Topic, string? CategorySetId = null, string? Model = null, bool EstimateFirst = true)
{
    public const string Topic = "topic";

    public static UploadChoices From(Func<string, string?> field) => new(
        field("mode") ?? Topic,
        field("categorySetId"),
        field("model"),
        EstimateFirst: field(UploadFields.EstimateFirst) is not null);
}

// The upload form's field names, where the form and the controller must agree.
public static class UploadFields
{
    public const string File = "file";
    public const string UploadId = UploadProgressRegistry.Field;
    public const string ApiKey = "apiKey";
    public const string EstimateFirst = "estimateFirst";
}
