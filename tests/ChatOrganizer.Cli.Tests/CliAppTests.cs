using ChatOrganizer.Cli;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Cli.Tests;

public sealed class CliAppTests
{
    [Fact]
    public async Task InterruptingACommandExitsWith130AndASentence()
    {
        var folder = Directory.CreateTempSubdirectory("chatorg-cli-");
        try
        {
            var path = Path.Combine(folder.FullName, "conversations.json");
            await File.WriteAllTextAsync(path, ExportJson.Array(ExportJson.Conversation("c1", "Logs")));
            using var cancelled = new CancellationTokenSource();
            await cancelled.CancelAsync();
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();

            var exit = await CliApp.RunAsync(["inspect", path], stdout, stderr, cancelled.Token);

            Assert.Equal(CliApp.Interrupted, exit);
            Assert.Equal("chatorg: interrupted.", stderr.ToString().Trim());
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task AnUnknownCommandPrintsUsageAndExits1()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();

        var exit = await CliApp.RunAsync(["organise"], stdout, stderr, CancellationToken.None);

        Assert.Equal(CliApp.UsageError, exit);
        Assert.Contains("unknown command 'organise'", stderr.ToString(), StringComparison.Ordinal);
    }
}
