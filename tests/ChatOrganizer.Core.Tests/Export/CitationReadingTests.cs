using System.Text.Json.Nodes;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

// The sources a browsing or search answer cites, in the two forms exports have used.
public class CitationReadingTests
{
    private static async Task<Message> ReadAnswerAsync(string text, JsonObject metadata)
    {
        var conversation = ExportJson.Conversation("cited", "출처 있는 답변", answer: text);
        var answer = conversation["mapping"]!["cited-answer"]!["message"]!.AsObject();
        answer["metadata"] = metadata;
        using var folder = new TempExportFolder();
        var conversations = await ExportFixtures.ReadAllAsync(folder.Write("conversations.json", ExportJson.Array(conversation)));
        return conversations.Single().Message("cited-answer");
    }

    [Fact]
    public async Task The2024FormFindsEachMarkerByItsRangeInCodePoints()
    {
        // The ranges count code points, as the Python that wrote them does: the emoji before the markers is one, not two.
        const string text = "시그널 사이언스 🚀 was founded in 2014【3:0†source】 and bought in 2020【3:1†source】.";
        var (first, second) = (CodePoints(text, text.IndexOf('【')), CodePoints(text, text.LastIndexOf('【')));
        Assert.Equal(text.IndexOf('【') - 1, first);
        var metadata = new JsonObject
        {
            ["citations"] = new JsonArray(
                Citation(first, first + 12, "Signal Sciences - Crunchbase", "https://www.crunchbase.com/organization/signal-sciences"),
                Citation(second, second + 12, "Fastly completes acquisition", "https://www.fastly.com/press")),
        };

        var answer = await ReadAnswerAsync(text, metadata);

        Assert.Equal(
            [new Citation("【3:0†source】", "Signal Sciences - Crunchbase", "https://www.crunchbase.com/organization/signal-sciences"),
             new Citation("【3:1†source】", "Fastly completes acquisition", "https://www.fastly.com/press")],
            answer.Citations);
    }

    [Fact]
    public async Task The2025FormNamesEachMarkerAndThePagesItStandsFor()
    {
        const string text = "The T6.1 uses about 8 L/100 km \uE200cite\uE202turn0search0\uE202turn0search3\uE201.";
        var metadata = new JsonObject
        {
            ["content_references"] = new JsonArray(
                new JsonObject
                {
                    ["matched_text"] = "\uE200cite\uE202turn0search0\uE202turn0search3\uE201",
                    ["start_idx"] = 31,
                    ["end_idx"] = 67,
                    ["type"] = "grouped_webpages",
                    ["items"] = new JsonArray(
                        new JsonObject { ["title"] = "VW Transporter MPG", ["url"] = "https://www.fuelly.com/car/volkswagen/transporter" },
                        new JsonObject { ["title"] = "Transporter review", ["url"] = "https://www.drive.com.au/reviews/transporter" }),
                },
                new JsonObject { ["matched_text"] = " ", ["type"] = "sources_footnote", ["items"] = new JsonArray() }),
        };

        var answer = await ReadAnswerAsync(text, metadata);

        Assert.Equal(
            [new Citation("\uE200cite\uE202turn0search0\uE202turn0search3\uE201", "VW Transporter MPG", "https://www.fuelly.com/car/volkswagen/transporter"),
             new Citation("\uE200cite\uE202turn0search0\uE202turn0search3\uE201", "Transporter review", "https://www.drive.com.au/reviews/transporter")],
            answer.Citations);
    }

    [Fact]
    public async Task ARangeThatHoldsNoMarkerAndAnAnswerWithoutCitationsGiveNone()
    {
        var offTarget = await ReadAnswerAsync("No marker here at all.", new JsonObject { ["citations"] = new JsonArray(Citation(3, 9, "Page", "https://example.com")) });
        var plain = await ReadAnswerAsync("Use logrotate.", new JsonObject { ["model_slug"] = "gpt-4o" });

        Assert.Null(offTarget.Citations);
        Assert.Null(plain.Citations);
    }

    private static int CodePoints(string text, int utf16Index) => text[..utf16Index].EnumerateRunes().Count();

    private static JsonObject Citation(int start, int end, string title, string url) => new()
    {
        ["start_ix"] = start,
        ["end_ix"] = end,
        ["citation_format_type"] = "tether_og",
        ["metadata"] = new JsonObject { ["type"] = "webpage", ["title"] = title, ["url"] = url, ["text"] = "" },
    };
}
