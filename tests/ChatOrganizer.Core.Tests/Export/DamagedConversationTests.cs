using ChatOrganizer.Export;

namespace ChatOrganizer.Core.Tests.Export;

public class DamagedConversationTests
{
    [Fact]
    public async Task EveryDamagedConversationIsStillProducedAndReadingGoesOn()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        Assert.Equal(7, conversations.Count);
        Assert.Equal(Enumerable.Range(0, 7), conversations.Select(c => c.Location.Index));
        Assert.Equal(["Still here?"], conversations.Single("damaged-fine").ActiveMessages.Select(m => m.Text));
    }

    [Fact]
    public async Task AConversationWithoutMappingHasNoMessagesAndAWarning()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations.Single("damaged-no-mapping");
        Assert.False(conversation.HasMapping);
        Assert.Empty(conversation.Tree.ActivePath);
        var warning = Assert.Single(conversation.Diagnostics);
        Assert.Equal(new Diagnostic(DiagnosticSeverity.Warning, "damaged.json", 0, "damaged-no-mapping", "$.mapping", warning.Reason), warning);
    }

    [Fact]
    public async Task TimesThatAreNotNumbersAreLeftEmptyWithWarningsSayingWhere()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations.Single("damaged-times");
        Assert.Null(conversation.CreateTime);
        Assert.Null(conversation.Message("question").CreateTime);
        Assert.Equal("Still readable.", conversation.Message("question").Text);
        Assert.Equal(
            ["$.create_time", "$.update_time", "$.mapping['question'].message.create_time"],
            conversation.Diagnostics.Select(d => d.JsonPath));
        Assert.Contains("\"yesterday\"", conversation.Diagnostics[0].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMappingThatIsNotAnObjectIsAnError()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations.Single("damaged-mapping-type");
        Assert.False(conversation.HasMapping);
        Assert.Contains(conversation.Diagnostics, d => d.Severity == DiagnosticSeverity.Error && d.JsonPath == "$.mapping");
    }

    [Fact]
    public async Task WrongTypesInsideNodesAreErrorsAndTheRestOfTheNodeIsRead()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations.Single("damaged-node-types");
        Assert.Equal(
            ["$.mapping['as-string'].message", "$.mapping['as-string'].children", "$.mapping['bad-parts'].message.content.parts"],
            conversation.Diagnostics.Select(d => d.JsonPath));
        Assert.All(conversation.Diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Null(conversation.Tree.Find("as-string")!.Message);
        Assert.Equal("root", conversation.Tree.Find("as-string")!.ParentId);
        Assert.Equal(["bad-parts"], conversation.Tree.ActivePath);
    }

    [Fact]
    public async Task AnElementThatIsNotAnObjectBecomesAnEmptyConversationWithAnError()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations[4];
        Assert.Null(conversation.Id);
        Assert.Same(MessageTree.Empty, conversation.Tree);
        var error = Assert.Single(conversation.Diagnostics);
        Assert.Equal((DiagnosticSeverity.Error, 4), (error.Severity, error.Index));
        Assert.Contains("a number, not an object", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADiagnosticSaysFileIndexIdAndPathInOneLine()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var line = conversations.Single("damaged-times").Diagnostics[0].ToString();
        Assert.StartsWith("warning: damaged.json #1 (damaged-times) at $.create_time: ", line, StringComparison.Ordinal);
    }
}
