using ChatOrganizer.Export;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Tests.Pages;

// Tool calls as a person reads them: the prompt or document, not the JSON the model sent the tool.
public sealed class ToolCardTests
{
    [Theory]
    [InlineData("""{"prompt": "등대, 수채화", "size": "1024x1024"}""", "등대, 수채화")] // from late 2023
    [InlineData("""{"size": "1792x1024", "prompts": ["A lighthouse at dusk", "灯台、夕暮れ"]}""", "A lighthouse at dusk\n\n灯台、夕暮れ")] // October 2023
    [InlineData("not json {", "not json {")]
    public void ADalleCallShowsItsPrompt(string call, string body)
    {
        var card = ToolCard.From("job", Message("code", call), new TranscriptTool(ToolKind.ImageGeneration, "dalle.text2im", IsCall: true));

        Assert.Equal(("DALL·E", "prompt", body), (card.Label, card.Part, card.Body));
    }

    [Fact]
    public void ACanvasCallShowsItsDocumentAndAnUnknownToolIsNamed()
    {
        var canvas = ToolCard.From("job", Message("code", """{"name": "시", "type": "document", "content": "빛이 물 위에"}"""), new TranscriptTool(ToolKind.Canvas, "canmore.create_textdoc", IsCall: true));
        var plugin = ToolCard.From("job", Message("text", "{\"city\": \"Seoul\"}"), new TranscriptTool(ToolKind.Other, "Weather.get_forecast", IsCall: true));

        Assert.Equal(("Canvas", "빛이 물 위에", false), (canvas.Label, canvas.Body, canvas.IsCode));
        Assert.Equal(("Tool: Weather.get_forecast", "call", "{\"city\": \"Seoul\"}"), (plugin.Label, plugin.Part, plugin.Body));
    }

    [Fact]
    public void ACodeInterpreterOutputThatIsOnlyAChartHasNoTextAndStartsOpen()
    {
        var chart = new TranscriptAttachment("image", "chart.png", 100, "image/png", Number: 3, ContentType: "image/png", Width: 80, Height: 48);
        var card = ToolCard.From("job", Message("execution_output", "<<ImageDisplayed>>", chart), new TranscriptTool(ToolKind.CodeInterpreter, "python", IsCall: false));

        Assert.Equal(("Code interpreter", "output", "", true), (card.Label, card.Part, card.Body, card.StartsOpen));
    }

    private static TranscriptMessage Message(string contentType, string text, params TranscriptAttachment[] attachments) =>
        new("m1", "assistant", null, contentType, "gpt-4o", null, false, text, attachments);
}
