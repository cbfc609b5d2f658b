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

    [Theory]
    [InlineData("gpt-4o", 2.50, 10.00)]
    [InlineData("gpt-4o-2024-08-06", 2.50, 10.00)]
    [InlineData("gpt-4o-mini-2024-07-18", 0.15, 0.60)]
    [InlineData("gpt-4", 30, 60)]
    [InlineData("gpt-4-0613", 30, 60)]
    [InlineData("gpt-4-turbo-2024-04-09", 10, 30)]
    [InlineData("gpt-3.5-turbo-0125", 0.50, 1.50)]
    [InlineData("gpt-4.1-nano", 0.10, 0.40)]
    [InlineData("o1", 15, 60)]
    [InlineData("o3", 2, 8)]
    [InlineData("o4-mini", 1.10, 4.40)]
    [InlineData("gpt-5-2025-08-07", 1.25, 10)]
    [InlineData("gpt-5-mini", 0.25, 2.00)]
    [InlineData("gpt-5-nano", 0.05, 0.40)]
    public void EveryListedModelAndItsDatedNamesHaveAPrice(string model, decimal input, decimal output)
    {
        var price = new CategorizationOptions().PriceOf(model);

        Assert.NotNull(price);
        Assert.Equal((input, output), (price.InputPerMillion, price.OutputPerMillion));
    }

    [Fact]
    public void AnUnknownModelHasNoPriceAndSettingsAddOrOverridePrices()
    {
        var options = new CategorizationOptions();
        options.Prices["llama3.1"] = new ModelPrice { InputPerMillion = 0, OutputPerMillion = 0 };
        options.Prices["gpt-4o"] = new ModelPrice { InputPerMillion = 1, OutputPerMillion = 2 };

        Assert.Null(new CategorizationOptions().PriceOf("llama3.1"));
        Assert.Equal(0m, options.PriceOf("llama3.1")!.Cost(1_000, 1_000));
        Assert.Equal(3m, options.PriceOf("gpt-4o-2024-11-20")!.Cost(1_000_000, 1_000_000));
    }

    [Theory]
    [InlineData("gpt-4o", "o200k_base")]
    [InlineData("gpt-4o-2024-08-06", "o200k_base")]
    [InlineData("gpt-4.1-mini", "o200k_base")]
    [InlineData("gpt-5-nano", "o200k_base")]
    [InlineData("o3-mini", "o200k_base")]
    [InlineData("gpt-4", "cl100k_base")]
    [InlineData("gpt-4-0613", "cl100k_base")]
    [InlineData("gpt-4-turbo", "cl100k_base")]
    [InlineData("gpt-3.5-turbo", "cl100k_base")]
    [InlineData("gpt-35-turbo", "cl100k_base")]
    [InlineData("llama3.1", "estimate")]
    [InlineData("my-deployment", "estimate")]
    public void EachModelFamilyIsCountedWithItsOwnTokenizer(string model, string encoding)
    {
        var counter = TokenCounter.For(model);

        Assert.Equal(encoding, counter.Encoding);
        Assert.Equal(encoding != "estimate", counter.IsExact);
        Assert.Same(counter, TokenCounter.For(model)); // one tokenizer per encoding per process
    }

    [Fact]
    public void TokenizerTruncatesALongMessageWithinItsBudgetAtAWord()
    {
        var counter = TokenCounter.For("gpt-4o");
        var text = string.Join(' ', Enumerable.Repeat("internationalization 東京 supercalifragilistic", 5_000));

        var piece = counter.Truncate(text, 100);

        Assert.InRange(counter.Count(piece), 80, 100);
        Assert.StartsWith(piece, text, StringComparison.Ordinal);
        Assert.Equal(' ', text[piece.Length]);
    }
}
