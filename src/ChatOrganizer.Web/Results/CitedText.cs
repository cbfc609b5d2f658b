using System.Text.Json;
using System.Text.RegularExpressions;
using ChatOrganizer.Export;

namespace ChatOrganizer.Web.Results;

// Number: as the answer's text shows it, [1], [2]..., one number per page.
public sealed record TranscriptSource(int Number, string? Title, string Url)
{
    public string Host => Uri.TryCreate(Url, UriKind.Absolute, out var uri) ? uri.Host : Url;
}

// An answer's citation markers as ChatGPT shows them: a numbered link to the page where the export names one, nothing
// where it does not ("【3:0†source】" or the private-use "cite" markers of 2025 are machinery, not words), and the
// pages listed under the answer. Only http and https pages are linked.
public static partial class CitedText
{
    public static (string Text, IReadOnlyList<TranscriptSource>? Sources) Link(string text, IReadOnlyList<Citation>? citations)
    {
        if (citations is null && !Machinery().IsMatch(text)) return (text, null);
        var sources = new List<TranscriptSource>();
        foreach (var marker in citations?.GroupBy(c => c.Marker) ?? [])
        {
            var links = marker.Where(c => IsWebPage(c.Url)).Select(c =>
            {
                var source = sources.Find(s => s.Url == c.Url);
                if (source is null) sources.Add(source = new TranscriptSource(sources.Count + 1, c.Title, c.Url!));
                return $"[[{source.Number}]](<{c.Url}>)";
            }).Distinct();
            text = text.Replace(marker.Key, string.Concat(links), StringComparison.Ordinal);
        }
        text = Entity().Replace(text, m => EntityName(m.Groups[1].Value));
        text = Machinery().Replace(text, "");
        return (text, sources.Count == 0 ? null : sources);
    }

    private static bool IsWebPage(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && !url!.Contains('>', StringComparison.Ordinal);

    // \uE200entity\uE202["restaurant","Joe's Pizza",...]\uE201 stands for the name ChatGPT shows.
    private static string EntityName(string json)
    {
        try
        {
            using var array = JsonDocument.Parse(json);
            return array.RootElement is { ValueKind: JsonValueKind.Array } root && root.GetArrayLength() > 1 && root[1].ValueKind == JsonValueKind.String
                ? root[1].GetString()!
                : "";
        }
        catch (JsonException)
        {
            return "";
        }
    }

    [GeneratedRegex("\uE200entity\uE202(\\[[^\uE201\n]{0,500}\\])\uE201")]
    private static partial Regex Entity();

    [GeneratedRegex("【[^】\n]{0,60}】|\uE200[^\uE201\n]{0,500}\uE201|[\uE203\uE204]")]
    private static partial Regex Machinery();
}
