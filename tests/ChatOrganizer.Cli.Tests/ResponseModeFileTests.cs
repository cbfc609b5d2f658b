using ChatOrganizer.Categorization;
using ChatOrganizer.Cli;

namespace ChatOrganizer.Cli.Tests;

public sealed class ResponseModeFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("chatorg-modes-").FullName;

    [Fact]
    public async Task ModesOfSeveralEndpointsAreKeptInOneFileUnderTheCacheFolder()
    {
        var file = ResponseModeFile.InCacheFolder(name => name == "XDG_CACHE_HOME" ? _directory : null);

        await file.PutAsync("https://api.openai.com/v1", "gpt-4", new RememberedMode(ResponseMode.FunctionCall), CancellationToken.None);
        await file.PutAsync("http://localhost:11434/v1", "llama3.1", new RememberedMode(ResponseMode.PlainText), CancellationToken.None);
        var later = ResponseModeFile.InCacheFolder(name => name == "XDG_CACHE_HOME" ? _directory : null);

        Assert.Equal(Path.Combine(_directory, "chatorganizer", "response-modes.json"), later.Path);
        Assert.Equal(new RememberedMode(ResponseMode.FunctionCall), await later.GetAsync("https://api.openai.com/v1", "gpt-4", CancellationToken.None));
        Assert.Equal(new RememberedMode(ResponseMode.PlainText), await later.GetAsync("http://localhost:11434/v1", "llama3.1", CancellationToken.None));
        Assert.Null(await later.GetAsync("https://api.openai.com/v1", "gpt-4o", CancellationToken.None));
        Assert.Contains("\"FunctionCall\"", await File.ReadAllTextAsync(later.Path), StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithoutXdgCacheHomeTheFileIsInTheHomeCacheFolder()
    {
        var file = ResponseModeFile.InCacheFolder(name => name == "HOME" ? _directory : null);

        Assert.Equal(Path.Combine(_directory, ".cache", "chatorganizer", "response-modes.json"), file.Path);
        await file.PutAsync("e", "m", new RememberedMode(ResponseMode.JsonObject), CancellationToken.None);
        Assert.Equal(new RememberedMode(ResponseMode.JsonObject), await file.GetAsync("e", "m", CancellationToken.None));
    }

    [Fact]
    public async Task ADamagedFileIsNoMemoryAndNoError()
    {
        var file = ResponseModeFile.InCacheFolder(name => name == "XDG_CACHE_HOME" ? _directory : null);
        Directory.CreateDirectory(Path.GetDirectoryName(file.Path)!);
        await File.WriteAllTextAsync(file.Path, "{ not json");

        Assert.Null(await file.GetAsync("e", "m", CancellationToken.None));
        await file.PutAsync("e", "m", new RememberedMode(ResponseMode.FunctionCall), CancellationToken.None);
        Assert.Equal(new RememberedMode(ResponseMode.FunctionCall), await file.GetAsync("e", "m", CancellationToken.None));
    }

    [Fact]
    public async Task AModeNotYetSeenToWorkIsKeptAsTentativeAndAFileOfAnEarlierVersionAsSettled()
    {
        var file = ResponseModeFile.InCacheFolder(name => name == "XDG_CACHE_HOME" ? _directory : null);
        await file.PutAsync("http://localhost:1234/v1", "qwen", new RememberedMode(ResponseMode.JsonObject, Settled: false), CancellationToken.None);
        Assert.Equal(new RememberedMode(ResponseMode.JsonObject, Settled: false), await file.GetAsync("http://localhost:1234/v1", "qwen", CancellationToken.None));

        // Written before modes could be tentative: every mode in it had answered.
        await File.WriteAllTextAsync(file.Path, """{ "e m": { "Mode": "FunctionCall", "DecidedAt": "2026-11-30T10:00:00+00:00" } }""");
        Assert.Equal(new RememberedMode(ResponseMode.FunctionCall, Settled: true), await file.GetAsync("e", "m", CancellationToken.None));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
