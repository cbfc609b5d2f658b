using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using ChatOrganizer.Export.Json;

namespace ChatOrganizer.Export.Parsing;

// The sources an answer cites, from its metadata: 2023-2024 browsing answers carry "citations" (each with the
// character range of its marker in the text, "【3:0†source】", and the page's title and url); 2025 and later answers
// carry "content_references" (each with the marker as it stands in the text, private-use characters around
// "cite", "turn0search3", and the pages it stands for).
internal sealed partial class ConversationParser
{
    private List<CitationDraft>? ReadCitations(ref Utf8JsonReader reader, List<CitationDraft>? drafts, bool references)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartArray)
        {
            JsonRead.Skip(ref reader);
            return drafts;
        }

        var path = references ? ".message.metadata.content_references" : ".message.metadata.citations";
        while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                continue;
            }

            int? start = null, end = null;
            string? matched = null;
            var pages = new List<(string? Title, string? Url)>();
            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("start_ix"u8) || reader.ValueTextEquals("start_idx"u8)) start = ReadIndex(ref reader);
                else if (reader.ValueTextEquals("end_ix"u8) || reader.ValueTextEquals("end_idx"u8)) end = ReadIndex(ref reader);
                else if (reader.ValueTextEquals("matched_text"u8)) matched = ReadString(ref reader, path + ".matched_text");
                else if (reader.ValueTextEquals("metadata"u8)) pages.Add(ReadPage(ref reader, path + ".metadata"));
                else if (reader.ValueTextEquals("items"u8)) ReadPages(ref reader, path + ".items", pages);
                else JsonRead.SkipValue(ref reader);
            }

            var cited = pages.Where(p => !string.IsNullOrEmpty(p.Url)).ToList();
            if (cited.Count == 0) (drafts ??= []).Add(new CitationDraft(start, end, matched, null, null));
            foreach (var (title, url) in cited) (drafts ??= []).Add(new CitationDraft(start, end, matched, title, url));
        }

        return drafts;
    }

    private void ReadPages(ref Utf8JsonReader reader, string path, List<(string? Title, string? Url)> pages)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartArray)
        {
            JsonRead.Skip(ref reader);
            return;
        }
        while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.StartObject) pages.Add(ReadPageObject(ref reader, path));
            else JsonRead.Skip(ref reader);
        }
    }

    private (string? Title, string? Url) ReadPage(ref Utf8JsonReader reader, string path)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
        {
            JsonRead.Skip(ref reader);
            return (null, null);
        }
        return ReadPageObject(ref reader, path);
    }

    private (string? Title, string? Url) ReadPageObject(ref Utf8JsonReader reader, string path)
    {
        string? title = null, url = null;
        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("title"u8)) title = ReadString(ref reader, path + ".title");
            else if (reader.ValueTextEquals("url"u8)) url = ReadString(ref reader, path + ".url");
            else JsonRead.SkipValue(ref reader);
        }
        return (title, url);
    }

    private static int? ReadIndex(ref Utf8JsonReader reader)
    {
        if (JsonRead.Next(ref reader) == JsonTokenType.Number && reader.TryGetInt32(out var index) && index >= 0) return index;
        JsonRead.Skip(ref reader);
        return null;
    }

    // Each draft's marker as it stands in the text: the matched text when the export gives it, else the range,
    // counted in code points (the export was written by Python), when it holds a 【…】 marker.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static IReadOnlyList<Citation>? Resolve(List<CitationDraft>? drafts, string text)
    {
        if (drafts is null) return null;
        var citations = new List<Citation>();
        foreach (var draft in drafts)
        {
            var marker = !string.IsNullOrWhiteSpace(draft.Matched) ? draft.Matched : MarkerAt(text, draft.Start, draft.End);
            if (marker is null || !text.Contains(marker, StringComparison.Ordinal)) continue;
            citations.Add(new Citation(marker, string.IsNullOrWhiteSpace(draft.Title) ? null : draft.Title, draft.Url));
        }
        return citations.Count == 0 ? null : citations;
    }

    private static string? MarkerAt(string text, int? start, int? end)
    {
        if (start is not { } from || end is not { } to || to <= from) return null;
        var (first, last) = (Utf16Index(text, from), Utf16Index(text, to));
        if (first is null || last is null) return null;
        var marker = text[first.Value..last.Value];
        return marker.StartsWith('【') && marker.EndsWith('】') ? marker : null;
    }

    private static int? Utf16Index(string text, int codePoints)
    {
        var index = 0;
        for (var counted = 0; counted < codePoints; counted++)
        {
            if (index >= text.Length) return null;
            index += char.IsHighSurrogate(text[index]) && index + 1 < text.Length ? 2 : 1;
        }
        return index;
    }

    private sealed record CitationDraft(int? Start, int? End, string? Matched, string? Title, string? Url);
}
