using System.Globalization;

namespace ChatOrganizer.Cli;

// chatorg categorize's command line, checked: a value is either usable or a sentence saying why not.
internal sealed record CategorizeArguments(
    string Path,
    string? CategoriesFile,
    string? Model,
    int? BatchSize,
    int? Concurrency,
    string? OutFile,
    bool Offline,
    bool Yes)
{
    public static (CategorizeArguments? Arguments, string? Error) Parse(string[] args)
    {
        string? path = null, categories = null, model = null, outFile = null;
        int? batchSize = null, concurrency = null;
        bool offline = false, yes = false;

        for (var i = 0; i < args.Length; i++)
        {
            string? Value() => i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : null;
            var arg = args[i];
            switch (arg)
            {
                case "--categories":
                    categories = Value();
                    if (categories is null) return Missing(arg, "FILE");
                    break;
                case "--model":
                    model = Value();
                    if (model is null) return Missing(arg, "M");
                    break;
                case "--out":
                    outFile = Value();
                    if (outFile is null) return Missing(arg, "FILE.json|FILE.csv");
                    if (OutputFormat(outFile) is null) return (null, $"--out {outFile}: the file must end in .json or .csv.");
                    break;
                case "--batch-size":
                    if (!TryPositive(Value(), out var size)) return (null, "--batch-size needs a whole number of conversations per request, e.g. --batch-size 20.");
                    batchSize = size;
                    break;
                case "--concurrency":
                    if (!TryPositive(Value(), out var parallel)) return (null, "--concurrency needs a whole number of requests at once, e.g. --concurrency 4.");
                    concurrency = parallel;
                    break;
                case "--offline":
                    offline = true;
                    break;
                case "--yes" or "-y":
                    yes = true;
                    break;
                default:
                    if (arg.StartsWith('-')) return (null, $"unknown option '{arg}'.");
                    if (path is not null) return (null, $"one export at a time: got '{path}' and '{arg}'.");
                    path = arg;
                    break;
            }
        }
        return path is null
            ? (null, "categorize needs the export to read: a conversations.json, an export folder or ZIP.")
            : (new CategorizeArguments(path, categories, model, batchSize, concurrency, outFile, offline, yes), null);
    }

    public static string? OutputFormat(string file) =>
        System.IO.Path.GetExtension(file).ToUpperInvariant() switch
        {
            ".JSON" => "json",
            ".CSV" => "csv",
            _ => null,
        };

    private static (CategorizeArguments?, string?) Missing(string option, string what) => (null, $"{option} needs a value: {option} {what}.");

    private static bool TryPositive(string? value, out int number) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out number) && number > 0;
}
