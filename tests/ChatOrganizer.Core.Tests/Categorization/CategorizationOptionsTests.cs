using ChatOrganizer.Categorization;

namespace ChatOrganizer.Core.Tests.Categorization;

public class CategorizationOptionsTests
{
    [Fact]
    public void DefaultsAreValid()
    {
        var options = new CategorizationOptions();

        Assert.Empty(options.Validate());
        Assert.Equal("gpt-4o-mini", options.Model);
        Assert.Equal(20, options.BatchSize);
        Assert.Equal(4, options.MaxConcurrency);
        Assert.Equal(400, options.DigestTokenBudget);
        Assert.NotNull(options.PriceOf("gpt-4o-mini"));
    }

    [Fact]
    public void ValidationReportsEveryBadSettingWithWhatIsAllowed()
    {
        var options = new CategorizationOptions
        {
            Model = " ",
            BaseUrl = "ftp://example.com",
            BatchSize = 0,
            MaxConcurrency = 1000,
            MaxAttempts = 0,
            RequestTimeout = TimeSpan.Zero,
        };

        var problems = options.Validate();

        Assert.Equal(6, problems.Count);
        Assert.Contains("Categorization:BatchSize is 0; allowed: 1 to 100.", problems);
        Assert.Contains("Categorization:MaxConcurrency is 1000; allowed: 1 to 64.", problems);
        Assert.Contains(problems, p => p.StartsWith("Categorization:Model is empty", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Categorization:BaseUrl", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Categorization:MaxAttempts is 0; allowed: 1 to 20", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Categorization:RequestTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public void ValidatorAdapterFailsWithEveryProblem()
    {
        var result = new CategorizationOptionsValidator().Validate(null, new CategorizationOptions { BatchSize = 0, MaxConcurrency = 0 });

        Assert.True(result.Failed);
        Assert.Equal(2, result.Failures!.Count());
    }

    [Fact]
    public void EnvironmentVariablesOverrideKeyModelAndBaseUrlWhenSet()
    {
        var variables = new Dictionary<string, string?>
        {
            ["OPENAI_API_KEY"] = "sk-env",
            ["OPENAI_MODEL"] = " ",
            ["OPENAI_BASE_URL"] = "http://localhost:11434/v1",
        };

        var options = new CategorizationOptions { Model = "gpt-4.1-mini" }.ApplyEnvironment(variables.GetValueOrDefault);

        Assert.Equal("sk-env", options.ApiKey);
        Assert.Equal("gpt-4.1-mini", options.Model);
        Assert.Equal("http://localhost:11434/v1", options.BaseUrl);
    }

    [Fact]
    public void PriceTableGivesCostPerMillionTokens()
    {
        var price = new CategorizationOptions().PriceOf("GPT-4o-mini")!;

        Assert.Equal(0.15m + 0.60m, price.Cost(1_000_000, 1_000_000));
    }
}
