using System.Text.Json;
using ChatOrganizer.Cli;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;

namespace ChatOrganizer.Cli.Tests;

public sealed class CategorizeCommandTests : IDisposable
{
    private const string ApiKey = "sk-cli-test-0123456789";
    private readonly string _directory = Directory.CreateTempSubdirectory("chatorg-categorize-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task WithoutAPathItIsAUsageError()
    {
        var exit = await RunAsync([]);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("categorize needs the export to read", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--out", "results.txt", "must end in .json or .csv")]
    [InlineData("--batch-size", "lots", "--batch-size needs a whole number")]
    [InlineData("--batch-size", "500", "Categorization:BatchSize is 500; allowed: 1 to 100.")]
    [InlineData("--frobnicate", "1", "unknown option '--frobnicate'")]
    public async Task BadOptionsAreUsageErrorsSayingWhy(string option, string value, string expected)
    {
        var exit = await RunAsync(["export.json", option, value]);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(expected, _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingExportIsUnreadableInput()
    {
        var exit = await RunAsync([Path.Combine(_directory, "nowhere.json")]);

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("cannot read", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutAKeyTheOfflineCategorizerFilesEveryConversation()
    {
        var export = await WriteExportAsync();
        var results = Path.Combine(_directory, "results.json");

        var exit = await RunAsync([export, "--out", results]);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Contains("offline: OPENAI_API_KEY is not set", _stderr.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var rows = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["Travel", "Finance", "Programming & Development"], rows.Select(r => r.GetProperty("category").GetString()));
        Assert.All(rows, r => Assert.Equal("offline", r.GetProperty("engine").GetString()));
        Assert.All(rows, r => Assert.InRange(r.GetProperty("confidence").GetDouble(), 0, 1));
        Assert.StartsWith("closest to Travel (", rows[0].GetProperty("reason").GetString());
        Assert.Equal("Weekend in Lisbon", rows[0].GetProperty("title").GetString());
        Assert.Contains("Travel", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAKeyItShowsTheEstimateAndCategorizesThroughTheModel()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var export = await WriteExportAsync();
        var results = Path.Combine(_directory, "results.csv");

        var exit = await RunAsync([export, "--out", results, "--yes", "--model", "gpt-4.1-mini"], Environment(fake));

        Assert.Equal(CliApp.Ok, exit);
        var stderr = _stderr.ToString();
        Assert.Contains("Categorizing 3 conversations with gpt-4.1-mini: 1 requests", stderr, StringComparison.Ordinal);
        Assert.Contains("3/3 done, 0 failed, 1 requests", stderr, StringComparison.Ordinal);
        var lines = await File.ReadAllLinesAsync(results);
        // The web app's download schema, header and all.
        Assert.Equal("index,id,title,created,month,year,messages,model,category,status,engine,failure_reason,confidence,reason,corrected,engine_category", lines[0]);
        Assert.Equal("0,c-travel,Weekend in Lisbon,2024-01-01T12:00:00Z,2024-01,2024,1,,Travel,categorized,model,,,,false,", lines[1]);
        Assert.Equal(1, fake.Requests);
        Assert.DoesNotContain(ApiKey, stderr + _stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithGpt4ItSaysWhichModeAnswersAndTheNextRunRemembersItInTheCacheFolder()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var export = await WriteExportAsync();

        var exit = await RunAsync([export, "--yes", "--model", "gpt-4"], Environment(fake));

        Assert.Equal(CliApp.Ok, exit);
        var stderr = _stderr.ToString();
        Assert.Contains("Categorizing 3 conversations with gpt-4: 1 requests", stderr, StringComparison.Ordinal);
        Assert.Contains("(counted with cl100k_base)", stderr, StringComparison.Ordinal);
        Assert.Contains("gpt-4 does not support structured outputs here; answering through a function call.", stderr, StringComparison.Ordinal);
        Assert.Contains("3/3 done, 0 failed, 2 requests", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(CacheFolder, "chatorganizer", "response-modes.json")));

        _stderr.GetStringBuilder().Clear();
        exit = await RunAsync([export, "--yes", "--model", "gpt-4"], Environment(fake));

        Assert.Equal(CliApp.Ok, exit);
        Assert.Equal(3, fake.Requests);
        Assert.Contains("gpt-4 answers through a function call, as an earlier run found.", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerOnThisMachineIsUsedWithoutAKeyAndSaysItsTokensAreEstimated()
    {
        await using var fake = await FakeOpenAiServer.StartAsync(FakeDialect.Local);
        var export = await WriteExportAsync();

        var exit = await RunAsync([export, "--yes", "--model", "llama3.1"], new() { ["OPENAI_BASE_URL"] = fake.BaseUrl.ToString() });

        Assert.Equal(CliApp.Ok, exit);
        var stderr = _stderr.ToString();
        Assert.Contains("Categorizing 3 conversations with llama3.1", stderr, StringComparison.Ordinal);
        Assert.Contains("(estimated)", stderr, StringComparison.Ordinal);
        Assert.Contains("The endpoint reports no token usage for llama3.1; input tokens are estimated here instead.", stderr, StringComparison.Ordinal);
        Assert.Contains("input tokens not reported by the endpoint, estimated here", stderr, StringComparison.Ordinal);
        Assert.All(fake.ReceivedRequests, r => Assert.Equal("no-key-needed", r.ApiKey));
        Assert.Contains("Travel", _stdout.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DecliningTheEstimateSendsNothing()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var export = await WriteExportAsync();

        var exit = await RunAsync([export], Environment(fake), stdin: "n\n");

        Assert.Equal(CategorizeCommand.RunFailed, exit);
        Assert.Contains("Nothing was sent.", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Equal(0, fake.Requests);
    }

    [Fact]
    public async Task RefusedKeyEndsTheRunWithASentenceAndExitThree()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.RequiredApiKey = "sk-another";
        var export = await WriteExportAsync();

        var exit = await RunAsync([export, "--yes"], Environment(fake));

        Assert.Equal(CategorizeCommand.RunFailed, exit);
        Assert.Contains("did not accept the API key (HTTP 401)", _stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(ApiKey, _stderr.ToString() + _stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CategoriesFileReplacesTheDefaultSet()
    {
        var export = await WriteExportAsync();
        var categories = Path.Combine(_directory, "mine.json");
        await File.WriteAllTextAsync(categories, """
            { "name": "Mine", "categories": [ { "name": "Trips", "keywords": ["lisbon", "hotel"] }, { "name": "Money", "description": "savings and taxes" } ] }
            """);

        var exit = await RunAsync([export, "--categories", categories, "--offline"]);

        Assert.Equal(CliApp.Ok, exit);
        var summary = _stdout.ToString();
        Assert.Contains("Trips", summary, StringComparison.Ordinal);
        Assert.Contains("Money", summary, StringComparison.Ordinal);
        Assert.Contains("Other", summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidCategoriesFileIsUnreadableInput()
    {
        var export = await WriteExportAsync();
        var categories = Path.Combine(_directory, "bad.json");
        await File.WriteAllTextAsync(categories, """{ "categories": [ { "name": "A" }, { "name": "a" } ] }""");

        var exit = await RunAsync([export, "--categories", categories]);

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("'A' appears 2 times", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GroupingByMonthCountsConversationsPerMonthAndSendsNothing()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var undated = ExportJson.Conversation("c-3", "날짜 없음");
        undated["create_time"] = null;
        var export = Path.Combine(_directory, "conversations.json");
        await File.WriteAllTextAsync(export, ExportJson.Array(
            ExportJson.Conversation("c-1", "东京旅行", created: new DateTimeOffset(2024, 3, 31, 23, 30, 0, TimeSpan.Zero)),
            ExportJson.Conversation("c-2", "予算", created: new DateTimeOffset(2024, 3, 2, 8, 0, 0, TimeSpan.Zero)),
            ExportJson.Conversation("c-4", "Taxes", created: new DateTimeOffset(2025, 1, 15, 8, 0, 0, TimeSpan.Zero)),
            undated));
        var results = Path.Combine(_directory, "months.csv");

        var exit = await RunAsync([export, "--group-by", "month", "--out", results], Environment(fake));

        Assert.Equal(CliApp.Ok, exit);
        Assert.Equal(["March 2024  2", "January 2025  1", "No date  1"],
            Lines(_stdout).Select(l => string.Join("  ", l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var w ? [string.Join(' ', w[..^1]), w[^1]] : [])));
        var lines = await File.ReadAllLinesAsync(results);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("0,c-1,东京旅行,2024-03-31T23:30:00Z,2024-03,2024,2,gpt-4o,,,,,,", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("3,c-3,날짜 없음,,,,2,gpt-4o,", lines[4], StringComparison.Ordinal);
        Assert.Equal(0, fake.Requests);
    }

    [Fact]
    public async Task AnUnknownGroupingIsAUsageError()
    {
        var exit = await RunAsync(["export.json", "--group-by", "week"]);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("'week' not recognized", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("--group-by <month|topic|year>", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACategoriesFileIsTrimmedAsTheWebAppTrimsIt()
    {
        var export = await WriteExportAsync();
        var categories = Path.Combine(_directory, "padded.json");
        await File.WriteAllTextAsync(categories, """
            { "name": "  여행과 돈  ", "categories": [ { "name": "  Trips ", "keywords": [" lisbon ", "  "] }, { "name": " Money", "description": "  savings  " } ] }
            """);
        var results = Path.Combine(_directory, "trimmed.json");

        var exit = await RunAsync([export, "--categories", categories, "--offline", "--out", results]);

        Assert.Equal(CliApp.Ok, exit);
        var rows = JsonDocument.Parse(await File.ReadAllTextAsync(results)).RootElement.EnumerateArray().ToList();
        Assert.Equal("Trips", rows[0].GetProperty("category").GetString());
        Assert.DoesNotContain(rows, r => r.GetProperty("category").GetString()!.Trim() != r.GetProperty("category").GetString());
    }

    [Fact]
    public async Task ACategoriesFileWithADescriptionOverTheWebAppsLimitIsRefused()
    {
        var export = await WriteExportAsync();
        var categories = Path.Combine(_directory, "long.json");
        await File.WriteAllTextAsync(categories, JsonSerializer.Serialize(new
        {
            name = "Long",
            categories = new[] { new { name = "Trips", description = new string('旅', 501) } },
        }));

        var exit = await RunAsync([export, "--categories", categories]);

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("Category descriptions can be at most 500 characters.", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AConversationWithNoTitleAndNoTextFailsBeforeCategorizingAsInTheWebApp()
    {
        await using var fake = await FakeOpenAiServer.StartAsync();
        var export = await ExportJson.WriteAsync(_directory,
            ConversationBuilder.Create("c-travel").Titled("Weekend in Lisbon").User("Find a hotel near the museum, about Travel").Build(),
            ConversationBuilder.Create("c-empty").Titled(null).Build());
        var results = Path.Combine(_directory, "results.json");

        var exit = await RunAsync([export, "--yes", "--out", results], Environment(fake));

        Assert.Equal(CliApp.Ok, exit);
        var rows = JsonDocument.Parse(await File.ReadAllTextAsync(results)).RootElement.EnumerateArray().ToList();
        Assert.Equal("categorized", rows[0].GetProperty("status").GetString());
        Assert.Equal("failed", rows[1].GetProperty("status").GetString());
        Assert.Equal("Nothing to categorize: It has no title and no visible text.", rows[1].GetProperty("failureReason").GetString());
        Assert.Contains("c-empty: Nothing to categorize", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, fake.ReceivedRequests.Sum(r => r.Conversations.Count));
    }

    [Fact]
    public async Task HelpIsGeneratedAndExitsZero()
    {
        var exit = await CliApp.RunAsync(["categorize", "--help"], _stdout, _stderr, CancellationToken.None);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Contains("chatorg categorize [<PATH>] [options]", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("--group-by <month|topic|year>", _stdout.ToString(), StringComparison.Ordinal);
    }

    private static List<string> Lines(StringWriter writer) =>
        [.. writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    // The user's cache folder is this test's own: what a run remembers never reaches the real ~/.cache.
    private Task<int> RunAsync(string[] args, Dictionary<string, string?>? environment = null, string stdin = "") =>
        CategorizeCommand.RunAsync(args, new StringReader(stdin), _stdout, _stderr,
            name => name == "XDG_CACHE_HOME" ? CacheFolder : environment?.GetValueOrDefault(name), CancellationToken.None);

    private string CacheFolder => Path.Combine(_directory, "cache");

    private static Dictionary<string, string?> Environment(FakeOpenAiServer fake) => new()
    {
        ["OPENAI_API_KEY"] = ApiKey,
        ["OPENAI_BASE_URL"] = fake.BaseUrl.ToString(),
    };

    private Task<string> WriteExportAsync() => ExportJson.WriteAsync(_directory,
        ConversationBuilder.Create("c-travel").Titled("Weekend in Lisbon").User("Find a hotel near the museum, and plan an itinerary about Travel").Build(),
        ConversationBuilder.Create("c-money").Titled("Savings").User("Should I invest my savings in an index fund? Finance question").Build(),
        ConversationBuilder.Create("c-code").Titled("Docker").User("My docker container throws an exception; Programming & Development").Build());

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
