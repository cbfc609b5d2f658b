using ChatOrganizer.Categorization;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Security;

// The server's own OpenAI key comes from the environment (OPENAI_API_KEY, also via .env) or user-secrets,
// never from a settings file that gets committed and copied into images: the app refuses to start with one there.
internal sealed class ServerKeySource(IConfiguration configuration) : IValidateOptions<CategorizationOptions>
{
    private static readonly string Key = $"{CategorizationOptions.SectionName}:{nameof(CategorizationOptions.ApiKey)}";

    public ValidateOptionsResult Validate(string? name, CategorizationOptions options)
    {
        var files = (configuration as IConfigurationRoot)?.Providers
            .OfType<JsonConfigurationProvider>()
            .Where(p => p.Source.Path is { } path && !path.EndsWith("secrets.json", StringComparison.OrdinalIgnoreCase))
            .Where(p => p.TryGet(Key, out var value) && !string.IsNullOrWhiteSpace(value))
            .Select(p => p.Source.Path!)
            .ToList() ?? [];
        return files.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{Key} is set in {string.Join(" and ", files)}. Put the server's key in the {CategorizationOptions.ApiKeyVariable} " +
                "environment variable (or .env, or dotnet user-secrets) instead, so it never travels with the settings file.");
    }
}
