using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Categorization;

// How conversations are categorized. Bound from the Categorization configuration section; the
// OPENAI_API_KEY, OPENAI_MODEL and OPENAI_BASE_URL environment variables override it
// (ApplyEnvironment). Check with Validate at start.
public sealed partial class CategorizationOptions
{
    public const string SectionName = "Categorization";
    public const string ApiKeyVariable = "OPENAI_API_KEY";
    public const string ModelVariable = "OPENAI_MODEL";
    public const string BaseUrlVariable = "OPENAI_BASE_URL";

    public const string DefaultModel = "gpt-4o-mini";
    public const int DefaultDigestTokenBudget = 400;

    // No key means the offline categorizer decides.
    public string? ApiKey { get; set; }

    public string Model { get; set; } = DefaultModel;

    // Any OpenAI-compatible endpoint, up to and including /v1; null means OpenAI's own.
    public string? BaseUrl { get; set; }

    // Conversations per request.
    public int BatchSize { get; set; } = 20;

    // Requests in flight at once.
    public int MaxConcurrency { get; set; } = 4;

    // Estimated tokens of one conversation's digest (title and excerpt).
    public int DigestTokenBudget { get; set; } = DefaultDigestTokenBudget;

    // Estimated input tokens of one request, prompt included; a batch closes early rather than exceed it.
    public int MaxRequestTokens { get; set; } = 16_000;

    // Sends of one request before a rate limit, server error, timeout or dropped connection fails it.
    public int MaxAttempts { get; set; } = 6;

    // Times a conversation is asked about before an answer that leaves it out or names a wrong category fails it.
    public int MaxAnswerAttempts { get; set; } = 3;

    // First retry delay; doubles each attempt, with jitter, up to BackoffCap.
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffCap { get; set; } = TimeSpan.FromSeconds(30);

    // A server asking to wait longer than this (an hour, say) is retried after this long instead.
    public TimeSpan RetryAfterCap { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    // USD per million tokens by model, for estimates and usage; configuration (Categorization:Prices:<model>)
    // adds models or overrides these. A dated name (gpt-4o-2024-08-06, gpt-4-0613) takes its family's price.
    //
    // OpenAI's standard-tier list prices, checked 2 December 2026 against OpenAI's pricing page as quoted by
    // deploybase.ai (March 2026: gpt-5 family, gpt-4.1 family, gpt-4o family, o3, o4-mini), chatgptpricing.com
    // (March 2025: o1, gpt-3.5-turbo) and milvus.io (gpt-4); gpt-4-turbo is the last list price OpenAI published for it.
    public Dictionary<string, ModelPrice> Prices { get; set; } = new(StringComparer.OrdinalIgnoreCase)
    {
        ["gpt-4o"] = new() { InputPerMillion = 2.50m, OutputPerMillion = 10.00m },
        ["gpt-4o-mini"] = new() { InputPerMillion = 0.15m, OutputPerMillion = 0.60m },
        ["gpt-4.1"] = new() { InputPerMillion = 2.00m, OutputPerMillion = 8.00m },
        ["gpt-4.1-mini"] = new() { InputPerMillion = 0.40m, OutputPerMillion = 1.60m },
        ["gpt-4.1-nano"] = new() { InputPerMillion = 0.10m, OutputPerMillion = 0.40m },
        ["gpt-4"] = new() { InputPerMillion = 30.00m, OutputPerMillion = 60.00m },
        ["gpt-4-turbo"] = new() { InputPerMillion = 10.00m, OutputPerMillion = 30.00m },
        ["gpt-3.5-turbo"] = new() { InputPerMillion = 0.50m, OutputPerMillion = 1.50m },
        ["o1"] = new() { InputPerMillion = 15.00m, OutputPerMillion = 60.00m },
        ["o3"] = new() { InputPerMillion = 2.00m, OutputPerMillion = 8.00m },
        ["o4-mini"] = new() { InputPerMillion = 1.10m, OutputPerMillion = 4.40m },
        ["gpt-5"] = new() { InputPerMillion = 1.25m, OutputPerMillion = 10.00m },
        ["gpt-5-mini"] = new() { InputPerMillion = 0.25m, OutputPerMillion = 2.00m },
        ["gpt-5-nano"] = new() { InputPerMillion = 0.05m, OutputPerMillion = 0.40m },
    };

    // The model's price, or its family's for a dated name (-2024-08-06, -0613); null when unknown.
    public ModelPrice? PriceOf(string? model)
    {
        if (string.IsNullOrWhiteSpace(model)) return null;
        var name = model.Trim();
        return Prices.GetValueOrDefault(name) ?? Prices.GetValueOrDefault(DateSuffix().Replace(name, ""));
    }

    // The short environment names people set (OPENAI_API_KEY...) and the settings they stand for: the one table
    // the web app's configuration and the CLI both read.
    public static IReadOnlyList<(string Variable, string Setting, Action<CategorizationOptions, string> Apply)> EnvironmentAliases { get; } =
    [
        (ApiKeyVariable, nameof(ApiKey), (o, v) => o.ApiKey = v),
        (ModelVariable, nameof(Model), (o, v) => o.Model = v),
        (BaseUrlVariable, nameof(BaseUrl), (o, v) => o.BaseUrl = v),
    ];

    // Overrides key, model and base URL from OPENAI_* variables that are set and not blank; pass
    // Environment.GetEnvironmentVariable(string) or a configuration indexer.
    public CategorizationOptions ApplyEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        foreach (var (name, _, apply) in EnvironmentAliases)
        {
            if (NotBlank(variable(name)) is { } value) apply(this, value);
        }
        return this;
    }

    // Every bad setting, each naming the setting, its value and what is allowed; empty when all are fine.
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Range(string name, int value, int min, int max)
        {
            if (value < min || value > max) problems.Add($"{SectionName}:{name} is {value}; allowed: {min} to {max}.");
        }
        void Span(string name, TimeSpan value, TimeSpan min, TimeSpan max)
        {
            if (value < min || value > max) problems.Add($"{SectionName}:{name} is {value}; allowed: {min} to {max}.");
        }

        if (string.IsNullOrWhiteSpace(Model)) problems.Add($"{SectionName}:Model is empty; give a model name such as {DefaultModel}.");
        if (BaseUrl is not null && !IsHttpUrl(BaseUrl))
            problems.Add($"{SectionName}:BaseUrl is not an absolute http or https URL; allowed: e.g. https://api.openai.com/v1 or http://localhost:11434/v1.");
        Range(nameof(BatchSize), BatchSize, 1, 100);
        Range(nameof(MaxConcurrency), MaxConcurrency, 1, 64);
        Range(nameof(DigestTokenBudget), DigestTokenBudget, 50, 4_000);
        Range(nameof(MaxRequestTokens), MaxRequestTokens, 1_000, 1_000_000);
        if (MaxRequestTokens < DigestTokenBudget + CategorizationPrompt.TypicalOverheadTokens)
            problems.Add($"{SectionName}:MaxRequestTokens ({MaxRequestTokens}) must leave room for one digest and the prompt: at least DigestTokenBudget + {CategorizationPrompt.TypicalOverheadTokens} = {DigestTokenBudget + CategorizationPrompt.TypicalOverheadTokens}.");
        Range(nameof(MaxAttempts), MaxAttempts, 1, 20);
        Range(nameof(MaxAnswerAttempts), MaxAnswerAttempts, 1, 10);
        Span(nameof(BackoffBase), BackoffBase, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Span(nameof(BackoffCap), BackoffCap, BackoffBase, TimeSpan.FromMinutes(10));
        Span(nameof(RetryAfterCap), RetryAfterCap, TimeSpan.Zero, TimeSpan.FromMinutes(10));
        Span(nameof(RequestTimeout), RequestTimeout, TimeSpan.FromMilliseconds(10), TimeSpan.FromMinutes(30));
        foreach (var (model, price) in Prices)
        {
            if (price is null || price.InputPerMillion < 0 || price.OutputPerMillion < 0)
                problems.Add($"{SectionName}:Prices:{model} has a negative or missing price; allowed: USD per million tokens, 0 or more.");
        }
        return problems;
    }

    [GeneratedRegex(@"-(\d{4}-\d{2}-\d{2}|\d{4})$")]
    private static partial Regex DateSuffix();

    private static string? NotBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsHttpUrl(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}

public sealed class ModelPrice
{
    public decimal InputPerMillion { get; set; }
    public decimal OutputPerMillion { get; set; }

    public decimal Cost(long inputTokens, long outputTokens) =>
        (inputTokens * InputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;
}

// Lets the web app check the options at start: services.AddSingleton<IValidateOptions<CategorizationOptions>, CategorizationOptionsValidator>() with ValidateOnStart.
public sealed partial class CategorizationOptionsValidator : IValidateOptions<CategorizationOptions>
{
    public ValidateOptionsResult Validate(string? name, CategorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
