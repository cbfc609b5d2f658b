using System.Globalization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Cli;

// chatorg discover's command line, checked like categorize's.
internal sealed record DiscoverArguments(string Path, int? Topics, string? OutFile, string? SetFile)
{
    public static (DiscoverArguments? Arguments, string? Error) Parse(string[] args)
    {
        string? path = null, outFile = null, setFile = null;
        int? topics = null;

        for (var i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            var arg = args[i];
            switch (arg)
            {
                case "--topics":
                    if (!int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count is < 2 or > ConversationMap.MaxTopics)
                    {
                        return (null, $"--topics needs a number of topics from 2 to {ConversationMap.MaxTopics}, e.g. --topics 8 (leave it out to have it chosen).");
                    }
                    topics = count;
                    break;
                case "--out":
                    outFile = Value();
                    if (outFile is null) return (null, "--out needs a value: --out FILE.json|FILE.csv.");
                    if (CategorizeArguments.OutputFormat(outFile) is null) return (null, $"--out {outFile}: the file must end in .json or .csv.");
                    break;
                case "--save-set":
                    setFile = Value();
                    if (setFile is null) return (null, "--save-set needs a value: --save-set FILE.json.");
                    if (CategorizeArguments.OutputFormat(setFile) != "json") return (null, $"--save-set {setFile}: the set is written as JSON, so the file must end in .json.");
                    break;
                default:
                    if (arg.StartsWith('-')) return (null, $"unknown option '{arg}'.");
                    if (path is not null) return (null, $"one export at a time: got '{path}' and '{arg}'.");
                    path = arg;
                    break;
            }
        }
        return path is null
            ? (null, "discover needs the export to read: a conversations.json, an export folder or ZIP.")
            : (new DiscoverArguments(path, topics, outFile, setFile), null);
    }
}
