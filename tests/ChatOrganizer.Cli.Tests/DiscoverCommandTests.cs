using System.Text.Json;
using ChatOrganizer.Cli;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Cli.Tests;

public sealed class DiscoverCommandTests : IDisposable
{
    private static readonly (string Subject, string Title, string Question)[] Conversations =
    [
        ("bread", "Sourdough bread rising", "My sourdough bread dough does not rise overnight, what is wrong with the starter?"),
        ("python", "Python KeyError in pandas", "pandas raises KeyError when I read a csv column in python"),
        ("travel", "Trip to Kyoto", "Plan a five day trip to Kyoto with temples, a hotel and the train pass"),
        ("bread", "Rye bread recipe", "A rye bread recipe with flour, yeast and salt, and how long to bake the loaf"),
        ("python", "Python TypeError in a function", "TypeError in my python function: unsupported operand for int and str"),
        ("travel", "Lisbon weekend trip", "Weekend trip to Lisbon: which neighbourhoods, hotel and tram for travel"),
        ("bread", "Banana bread too dry", "My banana bread loaf comes out of the oven dry, how much butter and flour?"),
        ("python", "Python virtualenv and pip", "pip installs the python package outside my virtualenv interpreter"),
        ("travel", "Cheap flights to Rome", "Find cheap flights and a hotel for a trip to Rome in the spring travel season"),
    ];

    private readonly string _directory = Directory.CreateTempSubdirectory("chatorg-discover-").FullName;
    private readonly StringWriter _stdout = new();
    private readonly StringWriter _stderr = new();

    [Fact]
    public async Task DiscoverPrintsTheTopicsFoundAndWritesEachConversationsTopic()
    {
        var export = await WriteExportAsync();
        var results = Path.Combine(_directory, "topics.json");

        var exit = await RunAsync(["discover", export, "--topics", "3", "--out", results]);

        Assert.Equal(CliApp.Ok, exit);
        Assert.Contains("Finding the topics of 9 conversations offline: nothing is sent anywhere.", _stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Found 3 topics in 9 conversations.", _stderr.ToString(), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var topicOf = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("category").GetString()!);
        Assert.Equal(9, topicOf.Count);
        var bySubject = Conversations.Select((c, i) => (c.Subject, Topic: topicOf[$"c{i}"])).GroupBy(x => x.Subject).ToDictionary(g => g.Key, g => g.Select(x => x.Topic).Distinct().ToList());
        Assert.All(bySubject.Values, topics => Assert.Single(topics));
        Assert.Equal(3, bySubject.Values.Select(t => t[0]).Distinct().Count());
        Assert.Contains("bread", bySubject["bread"][0], StringComparison.OrdinalIgnoreCase);
        // Each topic's line names it with its size, then its most typical titles.
        Assert.Contains($"{bySubject["python"][0]}  (3)", _stdout.ToString(), StringComparison.Ordinal);
        Assert.Contains("    Python KeyError in pandas", _stdout.ToString(), StringComparison.Ordinal);
        Assert.All(json.RootElement.EnumerateArray(), r => Assert.StartsWith("one of 3 conversations about ", r.GetProperty("reason").GetString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheSavedSetIsACategoriesFileThatCategorizeFilesTheSameExportBy()
    {
        var export = await WriteExportAsync();
        var set = Path.Combine(_directory, "topics-set.json");
        var results = Path.Combine(_directory, "results.json");

        var discovered = await RunAsync(["discover", export, "--topics", "3", "--save-set", set]);
        var categorized = await RunAsync(["categorize", export, "--categories", set, "--offline", "--out", results]);

        Assert.Equal((CliApp.Ok, CliApp.Ok), (discovered, categorized));
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(set));
        Assert.StartsWith("Topics of ", file.RootElement.GetProperty("name").GetString(), StringComparison.Ordinal);
        Assert.Equal(3, file.RootElement.GetProperty("categories").GetArrayLength());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(results));
        var categoryOf = json.RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("id").GetString()!, r => r.GetProperty("category").GetString()!);
        var bySubject = Conversations.Select((c, i) => (c.Subject, Category: categoryOf[$"c{i}"])).GroupBy(x => x.Subject).ToDictionary(g => g.Key, g => g.Select(x => x.Category).Distinct().ToList());
        Assert.All(bySubject.Values, categories => Assert.Single(categories));
        Assert.Equal(3, bySubject.Values.Select(c => c[0]).Distinct().Count());
    }

    [Fact]
    public async Task TwoConversationsSharingAnIdAreEachFiledWithTheirOwnTitle()
    {
        // Real exports merged by tools carry this: the same id on two different conversations.
        var export = await ExportJson.WriteAsync(_directory,
            ConversationBuilder.Create("same").Titled("Sourdough bread rising").User("My sourdough bread does not rise").Build(),
            ConversationBuilder.Create("same").Titled("Python KeyError").User("pandas raises KeyError in python").Build());
        var results = Path.Combine(_directory, "topics.csv");

        var exit = await RunAsync(["discover", export, "--topics", "2", "--out", results]);

        Assert.Equal(CliApp.Ok, exit);
        var lines = await File.ReadAllLinesAsync(results);
        Assert.Equal(3, lines.Length);
        Assert.Single(lines, l => l.Contains(",same,Sourdough bread rising,", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains(",same,Python KeyError,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--topics", "1", "--topics needs a number of topics from 2 to 15")]
    [InlineData("--topics", "many", "--topics needs a number of topics from 2 to 15")]
    [InlineData("--save-set", "set.csv", "the file must end in .json")]
    [InlineData("--out", "topics.txt", "must end in .json or .csv")]
    [InlineData("--offline", "x.json", "unknown option '--offline'")]
    public async Task BadOptionsAreUsageErrorsSayingWhy(string option, string value, string expected)
    {
        var exit = await RunAsync(["discover", "export.json", option, value]);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains(expected, _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMissingExportIsUnreadableInput()
    {
        var exit = await RunAsync(["discover", Path.Combine(_directory, "nowhere.json")]);

        Assert.Equal(CliApp.InputUnreadable, exit);
        Assert.Contains("chatorg discover: cannot read", _stderr.ToString(), StringComparison.Ordinal);
    }

    private Task<int> RunAsync(string[] args) => CliApp.RunAsync(args, _stdout, _stderr, CancellationToken.None);

    private Task<string> WriteExportAsync() => ExportJson.WriteAsync(_directory,
        [.. Conversations.Select((c, i) => ConversationBuilder.Create($"c{i}").Titled(c.Title).User(c.Question).Assistant("Here is how.").Build())]);

    public void Dispose()
    {
        _stdout.Dispose();
        _stderr.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
