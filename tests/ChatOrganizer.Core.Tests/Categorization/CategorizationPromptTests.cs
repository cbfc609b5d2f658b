using System.Text.Json;
using ChatOrganizer.Categorization;

namespace ChatOrganizer.Core.Tests.Categorization;

public class CategorizationPromptTests
{
    private static readonly CategorySet Set = new("Mine", [new("Work", "Jobs and office"), new("Home")]);

    [Fact]
    public void SchemaIsStrictWithEnumsOfTheBatchKeysAndTheSetsCategories()
    {
        using var schema = JsonDocument.Parse(CategorizationPrompt.Schema(3, Set));

        var item = schema.RootElement.GetProperty("properties").GetProperty("results").GetProperty("items");
        Assert.False(item.GetProperty("additionalProperties").GetBoolean());
        Assert.False(schema.RootElement.GetProperty("additionalProperties").GetBoolean());
        Assert.Equal(["c1", "c2", "c3"], Strings(item.GetProperty("properties").GetProperty("key").GetProperty("enum")));
        Assert.Equal(["Work", "Home", "Other"], Strings(item.GetProperty("properties").GetProperty("category").GetProperty("enum")));
    }

    [Fact]
    public void SchemaAllowsAnyCategoryWhenTheSetAllowsNewOnes()
    {
        using var schema = JsonDocument.Parse(CategorizationPrompt.Schema(1, Set with { AllowNewCategories = true }));

        var category = schema.RootElement.GetProperty("properties").GetProperty("results").GetProperty("items")
            .GetProperty("properties").GetProperty("category");
        Assert.False(category.TryGetProperty("enum", out _));
    }

    [Fact]
    public void SystemMessageListsEachCategoryWithItsDescriptionOnce()
    {
        var system = CategorizationPrompt.SystemMessage(Set);

        Assert.Contains("- Work: Jobs and office\n", system, StringComparison.Ordinal);
        Assert.Contains("- Home\n", system, StringComparison.Ordinal);
        Assert.Contains("- Other: ", system, StringComparison.Ordinal);
        Assert.Single(system.Split("- Work").Skip(1));
    }

    [Fact]
    public void AnswerIsMatchedByKeyNotPosition()
    {
        var answer = CategorizationPrompt.Read("""{"results":[{"key":"c2","category":"home"},{"key":"c1","category":"Work"}]}""", 2, Set);

        Assert.Equal("Work", answer.Categories[0]);
        Assert.Equal("Home", answer.Categories[1]);
        Assert.Empty(answer.Problems);
    }

    [Fact]
    public void MissingUnknownAndWrongEntriesBecomeProblemsNotCategories()
    {
        var answer = CategorizationPrompt.Read(
            """{"results":[{"key":"c1","category":"Uncategorized"},{"key":"c9","category":"Work"},{"key":"c3","category":"Work"},{"key":"c3","category":"Home"},{"key":"c4"}]}""",
            4, Set);

        Assert.Empty(answer.Categories);
        Assert.Contains("'Uncategorized', which is not a category", answer.Problems[0], StringComparison.Ordinal);
        Assert.Contains("left this conversation out", answer.Problems[1], StringComparison.Ordinal);
        Assert.Contains("two different categories", answer.Problems[2], StringComparison.Ordinal);
        Assert.Contains("left this conversation out", answer.Problems[3], StringComparison.Ordinal);
    }

    [Fact]
    public void InvalidJsonFailsEveryKey()
    {
        var answer = CategorizationPrompt.Read("""{"results":[{"key":"c1","cat""", 2, Set);

        Assert.Empty(answer.Categories);
        Assert.All(answer.Problems.Values, p => Assert.Equal("The model's answer was not valid JSON.", p));
        Assert.Equal(2, answer.Problems.Count);
    }

    [Fact]
    public void AnswerInAMarkdownFenceIsStillRead()
    {
        var answer = CategorizationPrompt.Read("```json\n{\"results\":[{\"key\":\"c1\",\"category\":\"Home\"}]}\n```", 1, Set);

        Assert.Equal("Home", answer.Categories[0]);
    }

    [Theory]
    [InlineData("Sure! Here are the categories:\n\n{\"results\":[{\"key\":\"c1\",\"category\":\"Home\"}]}\n\nLet me know {if} you need more.")]
    [InlineData("<think>\nc1 is about the house {maybe}.\n</think>\n{\"results\":[{\"key\":\"c1\",\"category\":\"Home\"}]}")]
    [InlineData("The answer:\n```json\n{\"results\":[{\"key\":\"c1\",\"category\":\"Home\"}]}\n```\nDone.")]
    [InlineData("[{\"key\":\"c1\",\"category\":\"Home\"}]")]
    [InlineData("{\"results\":[{\"key\":\"c1\",\"category\":\"Home\",\"why\":\"a } in a string\"}]} trailing words")]
    public void AnswerWrappedInProseThinkingOrAFenceIsStillReadByKey(string content)
    {
        var answer = CategorizationPrompt.Read(content, 1, Set);

        Assert.Equal("Home", answer.Categories[0]);
        Assert.Empty(answer.Problems);
    }

    [Fact]
    public void AnswerWithNoJsonAtAllFailsEveryKey()
    {
        var answer = CategorizationPrompt.Read("I cannot help with that.", 2, Set);

        Assert.Empty(answer.Categories);
        Assert.Equal(2, answer.Problems.Count);
    }

    [Theory]
    [InlineData("o200k_base")]
    [InlineData("cl100k_base")]
    public void ARequestsTokensAreItsHeaderAndEachDigestsLine(string encoding)
    {
        var counter = TokenCounter.For(encoding == "o200k_base" ? "gpt-4o" : "gpt-4");
        string[] texts = ["User: what is a monad?", "User: 日本語の文章です。", "User: 안녕하세요!!", "User: say \"hi\"", "User: ends with a digit 7", "User: emoji 🚀", ""];
        var digests = texts.Select((t, i) => new ConversationDigest($"c{i}", $"Title {i}.", t, CategorizationPrompt.EntryTokens($"Title {i}.", t, counter), "h")).ToList();
        for (var i = 0; i < 15; i++) digests.Add(digests[i % texts.Length] with { ConversationId = $"more-{i}" });

        var user = CategorizationPrompt.UserMessage(digests);

        Assert.Equal(counter.Count(user), CategorizationPrompt.HeaderTokens(counter) + digests.Sum(d => d.Tokens));
    }

    [Fact]
    public void SchemaGoesIntoThePromptOnlyForModesWithoutASchemaParameter()
    {
        var schema = CategorizationPrompt.Schema(2, Set);

        Assert.DoesNotContain(schema, CategorizationPrompt.SystemMessage(Set, ResponseMode.JsonSchema, schema), StringComparison.Ordinal);
        Assert.DoesNotContain(schema, CategorizationPrompt.SystemMessage(Set, ResponseMode.FunctionCall, schema), StringComparison.Ordinal);
        Assert.EndsWith(schema, CategorizationPrompt.SystemMessage(Set, ResponseMode.JsonObject, schema), StringComparison.Ordinal);
        Assert.EndsWith(schema, CategorizationPrompt.SystemMessage(Set, ResponseMode.PlainText, schema), StringComparison.Ordinal);
        // OpenAI's JSON mode refuses messages without the word.
        Assert.Contains("JSON", CategorizationPrompt.SystemMessage(Set), StringComparison.Ordinal);
    }

    [Fact]
    public void ProposedCategoryIsAcceptedOnlyWhenTheSetAllowsNewOnes()
    {
        const string content = """{"results":[{"key":"c1","category":"  Gardening  "},{"key":"c2","category":"uncategorized"}]}""";

        var strict = CategorizationPrompt.Read(content, 2, Set);
        var open = CategorizationPrompt.Read(content, 2, Set with { AllowNewCategories = true });

        Assert.Empty(strict.Categories);
        Assert.Equal("Gardening", open.Categories[0]);
        Assert.False(open.Categories.ContainsKey(1));
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
