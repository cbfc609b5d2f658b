using ChatOrganizer.Categorization;
using ChatOrganizer.Web.Security;
using Microsoft.Extensions.Configuration;

namespace ChatOrganizer.Web.Tests.Security;

public sealed class ServerKeySourceTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("chatorg-settings-");

    [Fact]
    public void AKeyInASettingsFileStopsTheAppNamingTheFileAndWhereToPutItInstead()
    {
        var configuration = new ConfigurationBuilder().AddJsonFile(Write("appsettings.Production.json"), optional: false).Build();

        var result = new ServerKeySource(configuration).Validate(null, new CategorizationOptions());

        Assert.True(result.Failed);
        Assert.Contains("Categorization:ApiKey is set in appsettings.Production.json", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("OPENAI_API_KEY environment variable", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void AKeyFromTheEnvironmentOrUserSecretsIsWelcome()
    {
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Write("secrets.json"), optional: false)
            .AddInMemoryCollection([new("Categorization:ApiKey", "sk-from-environment")])
            .Build();

        var result = new ServerKeySource(configuration).Validate(null, new CategorizationOptions());

        Assert.True(result.Succeeded);
    }

    private string Write(string name)
    {
        var path = Path.Combine(_folder.FullName, name);
        File.WriteAllText(path, """{ "Categorization": { "ApiKey": "sk-committed-by-mistake" } }""");
        return path;
    }

    public void Dispose() => _folder.Delete(recursive: true);
}
