using ChatOrganizer.Export;

namespace ChatOrganizer.Core.Tests.Export;

public class CustomInstructionsTests
{
    [Fact]
    public async Task The2023FormIsReadFromTheSystemMessagesMetadata()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("custom-instructions.json"));

        var conversation = conversations.Single("instructions-2023");
        Assert.Equal(
            new CustomInstructions("I teach chemistry in Leeds.", "Answer in British English.", CustomInstructionsSource.SystemMessage),
            conversation.CustomInstructions);
        var message = conversation.Message("instructions");
        Assert.True(message.IsHidden);
        Assert.Equal("I teach chemistry in Leeds.\nAnswer in British English.", message.Text);
    }

    [Fact]
    public async Task TheUserEditableContextFormIsReadFromItsContent()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("custom-instructions.json"));

        var conversation = conversations.Single("instructions-2025");
        Assert.Equal(
            new CustomInstructions("The user is an SRE.", "Answer concisely.", CustomInstructionsSource.UserEditableContext),
            conversation.CustomInstructions);
        Assert.True(conversation.Message("context").IsHidden);
    }

    [Fact]
    public async Task AConversationWithoutThemHasNone()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("branches.json"));

        Assert.Null(conversations[0].CustomInstructions);
    }
}
