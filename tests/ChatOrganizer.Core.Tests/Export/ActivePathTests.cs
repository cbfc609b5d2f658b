using ChatOrganizer.Export;

namespace ChatOrganizer.Core.Tests.Export;

public class ActivePathTests
{
    [Fact]
    public async Task ActivePathFollowsCurrentNodeThroughTheRegeneratedAnswerAndTheEditedQuestion()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("branches.json"));

        var conversation = Assert.Single(conversations);
        Assert.Equal(["system", "question", "regenerated-answer", "edited-follow-up", "csharp-answer"], conversation.Tree.ActivePath);
        Assert.Empty(conversation.Diagnostics);
    }

    [Fact]
    public async Task BranchPointsAreTheNodesWithTwoOrMoreChildren()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("branches.json"));

        var tree = conversations[0].Tree;
        Assert.Equal(["question", "regenerated-answer"], tree.BranchPoints);
        Assert.Equal(["first-answer", "regenerated-answer"], tree.Find("question")!.Children);
    }

    [Fact]
    public async Task ActiveMessagesAreTheActivePathsMessagesFromRootToLeaf()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("branches.json"));

        var texts = conversations[0].ActiveMessages.Select(m => m.Text).ToList();
        Assert.Equal(["", "What is a monad?", "A way to chain steps that carry context.", "Show me one in C#.", "LINQ's SelectMany is bind."], texts);
        Assert.Equal(8, conversations[0].Tree.Nodes.Count);
    }

    [Fact]
    public async Task ATreeCopiedWithAnotherActivePathFollowsTheNewPath()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("branches.json"));

        var abandoned = conversations[0].Tree with { ActivePath = ["system", "question", "first-answer"] };

        Assert.Equal("A monoid in the category of endofunctors.", abandoned.ActiveMessages.Last().Text);
    }

    [Fact]
    public async Task MissingCurrentNodeStartsTheActivePathAtTheNewestLeafWithAWarning()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("missing-current-node.json"));

        var conversation = conversations.Single("missing-1");
        Assert.Equal(["question", "newer"], conversation.Tree.ActivePath);
        var warning = Assert.Single(conversation.Diagnostics);
        Assert.Equal(DiagnosticSeverity.Warning, warning.Severity);
        Assert.Equal("$.current_node", warning.JsonPath);
        Assert.Contains("newest leaf 'newer'", warning.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CurrentNodeMissingFromTheMappingStartsTheActivePathAtTheNewestLeafWithAWarning()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("missing-current-node.json"));

        var conversation = conversations.Single("missing-2");
        Assert.Equal(["question", "answer"], conversation.Tree.ActivePath);
        Assert.Contains("'deleted-node' is not in the mapping", Assert.Single(conversation.Diagnostics).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("missing-3", "second")]
    [InlineData("missing-4", "right")]
    public async Task WithoutTimesOrWithEqualTimesTheLastLeafInDocumentOrderIsTheNewest(string id, string leaf)
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("missing-current-node.json"));

        Assert.Equal([leaf], conversations.Single(id).Tree.ActivePath);
    }

    [Fact]
    public async Task ChildrenComeFromParentLinksWhenNoNodeHasAChildrenList()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("no-children.json"));

        var conversation = conversations.Single("no-children-1");
        Assert.Equal(["question", "answer"], conversation.Tree.ActivePath);
        Assert.Equal(["answer", "regenerated"], conversation.Tree.Find("question")!.Children);
        Assert.Equal(["question"], conversation.Tree.BranchPoints);
        Assert.Empty(conversation.Diagnostics);
    }

    [Fact]
    public async Task WithoutChildrenListsOrCurrentNodeTheNewestLeafIsAChildlessNode()
    {
        // The question is newer than its answer, but it has a child (by its parent link), so it is no leaf.
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("no-children.json"));

        Assert.Equal(["question", "answer"], conversations.Single("no-children-2").Tree.ActivePath);
    }

    [Fact]
    public async Task ParentLinksInALoopStopTheWalkWithAWarning()
    {
        var conversations = await ExportFixtures.ReadAllAsync(ExportFixtures.Path("damaged.json"));

        var conversation = conversations.Single("damaged-cycle");
        Assert.Equal(["b", "a"], conversation.Tree.ActivePath);
        var warning = Assert.Single(conversation.Diagnostics);
        Assert.Equal("$.mapping['a'].parent", warning.JsonPath);
        Assert.Contains("loop", warning.Reason, StringComparison.Ordinal);
    }
}
