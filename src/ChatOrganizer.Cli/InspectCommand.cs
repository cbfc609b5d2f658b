using ChatOrganizer.Export;

namespace ChatOrganizer.Cli;

// `chatorg inspect PATH [--format text|json]`: reads an export and says what is in it. Text: a
// summary on stdout. JSON: one line per conversation on stdout (JSON Lines), the summary on
// stderr. Diagnostics go to stderr in both. Exit 0 when the export was read, even with damaged
// conversations; 2 when it could not be read to its end.
internal static class InspectCommand
{
    private const string Usage = "usage: chatorg inspect PATH [--format text|json]";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!TryParse(args, out var path, out var json, out var problem))
        {
            await stderr.WriteLineAsync($"chatorg inspect: {problem}");
            await stderr.WriteLineAsync(Usage);
            return CliApp.UsageError;
        }

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

    private static bool TryParse(string[] args, out string path, out bool json, out string problem)
    {
        path = "";
        json = false;
        problem = "";
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? format = null;
            if (arg == "--format")
            {
                if (i + 1 >= args.Length)
                {
                    problem = "--format needs a value: text or json.";
                    return false;
                }

                format = args[++i];
            }
            else if (arg.StartsWith("--format=", StringComparison.Ordinal))
            {
                format = arg["--format=".Length..];
            }
            else if (arg.StartsWith('-') && arg.Length > 1)
            {
                problem = $"unknown option '{arg}'.";
                return false;
            }
            else if (path.Length == 0)
            {
                path = arg;
                continue;
            }
            else
            {
                problem = $"one PATH only; '{arg}' is one too many.";
                return false;
            }

            if (format is not ("text" or "json"))
            {
                problem = $"--format is '{format}'; allowed: text, json.";
                return false;
            }

            json = format == "json";
        }

        if (path.Length == 0) problem = "PATH is missing.";
        return path.Length > 0;
    }
}
