using System.Text.Json;
using ChatOrganizer.Categorization;

namespace ChatOrganizer.Cli;

// A category set as a JSON file: {"name": "...", "allowNewCategories": false, "categories": [{"name": "...",
// "description": "...", "keywords": ["..."]}]}; only category names are required.
internal static class CategorySetFile
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    // The set, or a sentence saying what is wrong with the file.
    public static async Task<(CategorySet? Set, string? Error)> ReadAsync(string path, CancellationToken cancellationToken)
    {
        FileDto? file;
        try
        {
            await using var stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<FileDto>(stream, Json, cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read the categories file {path}: {e.Message}");
        }
        catch (JsonException e)
        {
            return (null, $"the categories file {path} is not valid JSON ({e.Message})");
        }

        var (set, problems) = CategorySet.Create(
            file?.Name ?? System.IO.Path.GetFileNameWithoutExtension(path),
            (file?.Categories ?? []).Select(c => new Category(c.Name ?? "", c.Description, c.Keywords, c.Examples)),
            file?.AllowNewCategories ?? false);
        return set is not null ? (set, null) : (null, $"the categories file {path}: {string.Join(" ", problems)}");
    }

    // Writes a set in the form ReadAsync reads (chatorg discover --save-set).
    public static async Task WriteAsync(string path, CategorySet set, CancellationToken cancellationToken)
    {
        var file = new FileDto(set.Name, [.. set.Categories.Select(c => new CategoryDto(c.Name, c.Description, c.Keywords?.ToList(), c.Examples?.ToList()))], set.AllowNewCategories);
        var temporary = path + ".partial";
        await using (var stream = File.Create(temporary))
        {
            await JsonSerializer.SerializeAsync(stream, file, Written, cancellationToken);
        }
        File.Move(temporary, path, overwrite: true);
    }

    private static readonly JsonSerializerOptions Written = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };

    private sealed record FileDto(string? Name, List<CategoryDto>? Categories, bool? AllowNewCategories);

    private sealed record CategoryDto(string? Name, string? Description, List<string>? Keywords, List<string>? Examples);
}
