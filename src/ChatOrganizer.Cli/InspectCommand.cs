using System.CommandLine;
using ChatOrganizer.Export;

namespace ChatOrganizer.Cli;

// `chatorg inspect PATH [--format text|json]`: reads an export and says what is in it. Text: a
// summary on stdout. JSON: one line per conversation on stdout (JSON Lines), the summary on
// stderr. Diagnostics go to stderr in both. Exit 0 when the export was read, even with damaged
// conversations; 2 when it could not be read to its end.
internal static class InspectCommand
{
    public static Command Create(CliConsole console)
    {
        var command = new Command("inspect", "Reads an export and summarizes it: counts, dates, roles, content types, branches, attachments, side files, diagnostics.");
        var path = CliApp.ExportPath(command);
        var format = new Option<string>("--format")
        {
            Description = "text: a summary a person reads; json: one JSON object per conversation (JSON Lines), the summary on stderr.",
            DefaultValueFactory = _ => "text",
        };
        format.AcceptOnlyFromAmong("text", "json");
        command.Add(path);
        command.Add(format);
        command.SetAction((parsed, cancellationToken) =>
            RunAsync(parsed.GetValue(path)!, parsed.GetValue(format) == "json", console.Stdout, console.Stderr, cancellationToken));
        return command;
    }

    public static async Task<int> RunAsync(string path, bool json, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ExportReader reader;
        try
        {
            reader = await ExportReader.OpenAsync(path, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is ExportFormatException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"chatorg inspect: {e.Message}");
            return CliApp.InputUnreadable;
        }

        await using (reader)
        {
            var summary = new InspectSummary();
            var line = new ConversationJsonLine();
            ExportSideFiles? sideFiles = null;
            string? stoppedBecause = null;
            try
            {
                await foreach (var conversation in reader.ReadConversationsAsync(cancellationToken))
                {
                    summary.Add(conversation);
                    if (json) await stdout.WriteLineAsync(line.Write(conversation));
                    foreach (var diagnostic in conversation.Diagnostics) await stderr.WriteLineAsync(diagnostic.ToString());
                }

                sideFiles = await reader.ReadSideFilesAsync(cancellationToken);
            }
            catch (Exception e) when (e is ExportFormatException or IOException)
            {
                stoppedBecause = e.Message;
            }

            foreach (var diagnostic in reader.Diagnostics) await stderr.WriteLineAsync(diagnostic.ToString());
            summary.Count(reader.Diagnostics);
            var text = summary.ToText(reader, sideFiles, stoppedBecause);
            await (json ? stderr : stdout).WriteAsync(text);
            if (stoppedBecause is null) return CliApp.Ok;
            await stderr.WriteLineAsync($"chatorg inspect: {stoppedBecause}");
            return CliApp.InputUnreadable;
        }
    }
}
