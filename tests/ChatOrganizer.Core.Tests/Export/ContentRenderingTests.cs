using ChatOrganizer.Export;

namespace ChatOrganizer.Core.Tests.Export;

public class ContentRenderingTests
{
    [Theory]
    [InlineData("text", "Plain words.")]
    [InlineData("multimodal", "[image: sediment://file_00000000aa11]\nWhat is in this photo?")]
    [InlineData("voice", "Read me the forecast.\n[audio: sediment://file_00000000bb22]")]
    [InlineData("video", "[audio: sediment://file_00000000cc33] [video: sediment://file_00000000dd44]")]
    [InlineData("code", "print(2 + 2)")]
    [InlineData("execution-output", "4")]
    [InlineData("browsing-display", "# 【0†Weather†example.org】 Sunny, 21 °C")]
    [InlineData("browsing-code", "quote(0, 12)")]
    [InlineData("quote", "Weather\nhttps://example.org/weather\nSunny all week.")]
    [InlineData("thoughts", "Checking units\nCelsius is what the user uses.")]
    [InlineData("recap", "Thought for 4 seconds")]
    [InlineData("user-context", "Preferred name: Sam\nBe brief.")]
    [InlineData("model-context", "1. Sam lives in Lyon.")]
    [InlineData("system-error", "tool_error\nThe browser timed out.")]
    [InlineData("sonic", "News\nhttps://example.org/news\nMarkets rose.")]
    [InlineData("computer", "[image: sediment://file_00000000ee55]")]
    [InlineData("unknown", "A spinning cube\ncube")]
    public async Task EveryContentTypeRendersAsPlainText(string nodeId, string expected)
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        Assert.Equal(expected, conversations[0].Message(nodeId).Text);
    }

    [Fact]
    public async Task NoMessageRendersAsAnObjectPlaceholderOrAsNothing()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        var messages = conversations[0].ActiveMessages.ToList();
        Assert.Equal(18, messages.Count);
        Assert.All(messages, m => Assert.False(string.IsNullOrWhiteSpace(m.Text), $"{m.Id} ({m.ContentType}) has no text"));
        Assert.All(messages, m => Assert.DoesNotContain("[object", m.Text, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUnknownContentTypeIsRenderedWithAWarning()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        var warning = Assert.Single(conversations[0].Diagnostics);
        Assert.Equal("$.mapping['unknown'].message.content", warning.JsonPath);
        Assert.Contains("'hologram' is not known", warning.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssetPointersBecomeAttachmentsWithKindAndSize()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        var image = Assert.Single(conversations[0].Message("multimodal").Attachments);
        Assert.Equal(new Attachment("image", "sediment://file_00000000aa11", null, 48211, null), image);
        var audio = Assert.Single(conversations[0].Message("voice").Attachments);
        Assert.Equal(new Attachment("audio", "sediment://file_00000000bb22", null, 96000, "audio/wav"), audio);
        Assert.Equal(["audio", "video"], conversations[0].Message("video").Attachments.Select(a => a.Kind));
        Assert.Equal("image", Assert.Single(conversations[0].Message("computer").Attachments).Kind);
    }

    [Fact]
    public async Task MessagesKeepRoleToolNameRecipientModelAndTime()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        var code = conversations[0].Message("code");
        Assert.Equal(("assistant", "python", "code", "gpt-4o"), (code.Role, code.Recipient, code.ContentType, code.ModelSlug));
        var output = conversations[0].Message("execution-output");
        Assert.Equal(("tool", "python"), (output.Role, output.AuthorName));
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1740000006), output.CreateTime);
        Assert.Equal("finished_successfully", output.Status);
    }

    [Fact]
    public async Task VisuallyHiddenAndCustomInstructionMessagesAreHidden()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("content-types.json"));

        Assert.True(conversations[0].Message("user-context").IsHidden);
        Assert.False(conversations[0].Message("text").IsHidden);
        Assert.Equal(["user-context"], conversations[0].ActiveMessages.Where(m => m.IsHidden).Select(m => m.Id));
    }
}
