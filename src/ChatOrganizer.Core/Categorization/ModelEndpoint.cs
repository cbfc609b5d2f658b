using System.ClientModel.Primitives;
using System.Net;

namespace ChatOrganizer.Categorization;

// Where requests go and how they carry the key. OpenAI and compatible servers (Ollama, vLLM, LM Studio, proxies)
// take Authorization: Bearer at {base}/chat/completions. Azure OpenAI takes an api-key header,
// at its v1 endpoint (https://NAME.openai.azure.com/openai/v1/) or at a deployment's URL
// (/openai/deployments/{deployment}/chat/completions?api-version=..., as the Azure portal shows it).
internal sealed class ModelEndpoint
{
    public static readonly Uri OpenAi = new("https://api.openai.com/v1");

    // The GA api-version of Azure's deployment URLs that has structured outputs; one given in the URL wins.
    public const string DefaultAzureApiVersion = "2024-10-21";

    // A server on this machine (Ollama, vLLM, LM Studio) needs no key, but the SDK sends one: this stands in.
    public const string PlaceholderKey = "no-key-needed";

    private const string DeploymentsPath = "/openai/deployments/";
    private static readonly string[] AzureHosts = [".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com"];

    private ModelEndpoint(Uri sdkEndpoint, ModelEndpointKind kind, string? apiVersion)
    {
        SdkEndpoint = sdkEndpoint;
        Kind = kind;
        ApiVersion = apiVersion;
    }

    // What the SDK is given; it appends /chat/completions.
    public Uri SdkEndpoint { get; }

    public ModelEndpointKind Kind { get; }

    // Azure deployment URLs only.
    public string? ApiVersion { get; }

    // Scheme, host and path: never user info or query, which might hold a secret.
    public string ForPeople => $"{SdkEndpoint.Scheme}://{SdkEndpoint.Authority}{SdkEndpoint.AbsolutePath.TrimEnd('/')}";

    // What the response mode is remembered under: an older api-version may support less.
    public string MemoryKey => ApiVersion is null ? ForPeople : $"{ForPeople}?api-version={ApiVersion}";

    // localhost, 127.0.0.0/8 or ::1: a server on this machine, which needs no key.
    public bool IsLoopback => SdkEndpoint.IsLoopback
        || (IPAddress.TryParse(SdkEndpoint.DnsSafeHost, out var address) && IPAddress.IsLoopback(address));

    public static ModelEndpoint Parse(Uri? baseUrl)
    {
        if (baseUrl is null) return new ModelEndpoint(OpenAi, ModelEndpointKind.OpenAiCompatible, null);
        var origin = $"{baseUrl.Scheme}://{baseUrl.Authority}";
        var path = baseUrl.AbsolutePath.TrimEnd('/');
        var deployments = path.IndexOf(DeploymentsPath, StringComparison.OrdinalIgnoreCase);
        if (deployments >= 0)
        {
            var rest = path[(deployments + DeploymentsPath.Length)..];
            var deployment = rest.Split('/')[0];
            var version = ApiVersionOf(baseUrl.Query) ?? DefaultAzureApiVersion;
            return new ModelEndpoint(new Uri($"{origin}{path[..(deployments + DeploymentsPath.Length)]}{deployment}"), ModelEndpointKind.AzureDeployment, version);
        }
        var azureHost = AzureHosts.Any(h => baseUrl.Host.EndsWith(h, StringComparison.OrdinalIgnoreCase));
        if (path.EndsWith("/openai/v1", StringComparison.OrdinalIgnoreCase) || (azureHost && path.Length == 0))
        {
            var v1 = path.Length == 0 ? "/openai/v1" : path;
            return new ModelEndpoint(new Uri($"{origin}{v1}"), ModelEndpointKind.AzureV1, null);
        }
        return new ModelEndpoint(new Uri($"{origin}{path}"), ModelEndpointKind.OpenAiCompatible, null);
    }

    // Azure's header and deployment URL; null for endpoints the SDK already speaks to as they are.
    public PipelinePolicy? RequestPolicy(string apiKey) =>
        Kind == ModelEndpointKind.OpenAiCompatible ? null : new AzurePolicy(apiKey, ApiVersion);

    private static string? ApiVersionOf(string query)
    {
        foreach (var pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && parts[0].Equals("api-version", StringComparison.OrdinalIgnoreCase) && parts[1].Length > 0)
                return Uri.UnescapeDataString(parts[1]);
        }
        return null;
    }

    // Azure reads the key from api-key (a Bearer token there means Entra ID), and deployment URLs need api-version.
    private sealed class AzurePolicy(string apiKey, string? apiVersion) : PipelinePolicy
    {
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Prepare(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Prepare(message);
            return ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Prepare(PipelineMessage message)
        {
            message.Request.Headers.Remove("Authorization");
            message.Request.Headers.Set("api-key", apiKey);
            if (apiVersion is not null && message.Request.Uri is { } uri)
                message.Request.Uri = new Uri($"{uri.GetLeftPart(UriPartial.Path)}?api-version={Uri.EscapeDataString(apiVersion)}");
        }
    }
}

internal enum ModelEndpointKind
{
    OpenAiCompatible,
    AzureV1,
    AzureDeployment,
}
