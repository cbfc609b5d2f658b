using System.Globalization;
using ChatOrganizer.Categorization;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Models;

// How the pages word and format things: one place for labels, so every page (and the job page's script, through data attributes) says the same.
public static class Display
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    public static string Status(JobStatus status) => status switch
    {
        JobStatus.Queued => "Queued",
        JobStatus.Reading => "Reading the export",
        JobStatus.AwaitingStart => "Ready to start",
        JobStatus.Categorizing => "Categorizing",
        JobStatus.Finishing => "Finishing",
        JobStatus.Done => "Done",
        JobStatus.Failed => "Failed",
        JobStatus.Cancelled => "Cancelled",
        _ => status.ToString(),
    };

    // The badge's modifier class: the word is always there too, so colour is never the only signal.
    public static string StatusClass(JobStatus status) => status switch
    {
        JobStatus.Done => "ok",
        JobStatus.Failed => "error",
        JobStatus.Cancelled => "warn",
        _ => "",
    };

    // The status as the JSON API spells it (camel case), which the job page's script receives.
    public static string StatusKey(JobStatus status) => JsonNamingPolicyCamel(status.ToString());

    public static bool HasEnded(JobStatus status) => status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled;

    public static string Mode(JobMode mode) => mode switch
    {
        JobMode.Topic => "By topic",
        JobMode.Month => "By month",
        JobMode.Discover => "Discover topics",
        _ => "By year",
    };

    public static string Engine(CategorizationEngine? engine) => engine switch
    {
        CategorizationEngine.Model => "by model",
        CategorizationEngine.Offline => "offline",
        _ => "",
    };

    // A result's reason with how sure the engine was: "closest to Travel (0.62); words: 여행 · 87% sure".
    public static string Why(string reason, double? confidence) =>
        confidence is { } c ? $"{reason} · {Percent(Math.Round(c * 100))} sure" : reason;

    public static string Count(long n) => n.ToString("N0", Culture);

    public static string Plural(long n, string one, string many) => $"{Count(n)} {(n == 1 ? one : many)}";

    public static string Date(DateTime? time) => time?.ToString("d MMM yyyy", Culture) ?? "No date";

    public static string Date(DateTimeOffset? time) => Date(time?.UtcDateTime);

    public static string DateTime(DateTime? time) => time?.ToString("d MMM yyyy, HH:mm 'UTC'", Culture) ?? "";

    public static string DateTime(DateTimeOffset? time) => DateTime(time?.UtcDateTime);

    // For the datetime attribute of <time>.
    public static string Iso(DateTime? time) => time?.ToString("yyyy-MM-ddTHH:mm:ssZ", Culture) ?? "";

    public static string Iso(DateTimeOffset? time) => Iso(time?.UtcDateTime);

    public static string Size(long bytes) => Sizes.Format(bytes);

    public static string Percent(double percent) => percent.ToString("0.#", Culture) + "%";

    // A duration as a person says it: "about 40 s", "about 3 min", "about 1 h 20 min".
    public static string Duration(double seconds) => seconds switch
    {
        < 60 => $"{Math.Max(1, Math.Round(seconds)):0} s",
        < 3600 => $"{Math.Round(seconds / 60):0} min",
        _ => $"{Math.Floor(seconds / 3600):0} h {Math.Round(seconds % 3600 / 60):0} min",
    };

    public static string Usd(decimal amount) => amount switch
    {
        0 => "$0",
        < 0.01m => "under $0.01",
        _ => "$" + amount.ToString(amount < 10 ? "0.00" : "N0", Culture),
    };

    private static string JsonNamingPolicyCamel(string name) => System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(name);
}
