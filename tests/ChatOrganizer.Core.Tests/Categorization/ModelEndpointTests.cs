using ChatOrganizer.Categorization;

namespace ChatOrganizer.Core.Tests.Categorization;

public class ModelEndpointTests
{
    [Theory]
    [InlineData(null, "https://api.openai.com/v1", "OpenAiCompatible", null)]
    [InlineData("http://localhost:11434/v1", "http://localhost:11434/v1", "OpenAiCompatible", null)]
    [InlineData("https://name.openai.azure.com/openai/v1/", "https://name.openai.azure.com/openai/v1", "AzureV1", null)]
    [InlineData("https://name.openai.azure.com/", "https://name.openai.azure.com/openai/v1", "AzureV1", null)]
    [InlineData("https://name.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2025-01-01-preview",
        "https://name.openai.azure.com/openai/deployments/gpt4o", "AzureDeployment", "2025-01-01-preview")]
    [InlineData("https://name.openai.azure.com/openai/deployments/gpt4o", "https://name.openai.azure.com/openai/deployments/gpt4o", "AzureDeployment", "2024-10-21")]
    public void EachKindOfBaseUrlIsRecognized(string? baseUrl, string sdkEndpoint, string kind, string? apiVersion)
    {
        var endpoint = ModelEndpoint.Parse(baseUrl is null ? null : new Uri(baseUrl));

        Assert.Equal((sdkEndpoint, kind, apiVersion), (endpoint.SdkEndpoint.ToString().TrimEnd('/'), endpoint.Kind.ToString(), endpoint.ApiVersion));
    }

    [Theory]
    [InlineData("http://localhost:11434/v1", true)]
    [InlineData("http://127.0.0.1:1234/v1", true)]
    [InlineData("http://[::1]:8000/v1", true)]
    [InlineData("http://gpu-box:11434/v1", false)]
    [InlineData("https://api.openai.com/v1", false)]
    public void OnlyAServerOnThisMachineNeedsNoKey(string baseUrl, bool loopback)
    {
        Assert.Equal(loopback, ModelEndpoint.Parse(new Uri(baseUrl)).IsLoopback);
    }

    [Fact]
    public void TheModeIsRememberedPerApiVersionAndNeverUnderAKeyInTheUrl()
    {
        var older = ModelEndpoint.Parse(new Uri("https://n.openai.azure.com/openai/deployments/d/chat/completions?api-version=2024-06-01"));
        var newer = ModelEndpoint.Parse(new Uri("https://n.openai.azure.com/openai/deployments/d?api-version=2024-10-21"));
        var proxy = ModelEndpoint.Parse(new Uri("https://user:secret@proxy.example/v1?key=sk-123"));

        Assert.NotEqual(older.MemoryKey, newer.MemoryKey);
        Assert.Equal("https://proxy.example/v1", proxy.MemoryKey);
        Assert.Equal("https://proxy.example/v1", proxy.ForPeople);
    }
}
