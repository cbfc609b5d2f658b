using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Conversations;

namespace ChatOrganizer.Core.Tests.Categorization;

public class DigestBuilderTests
{
    [Fact]
    public void DigestHoldsTitleAndVisibleUserAndAssistantText()
    {
        var conversation = ConversationBuilder.Create("c1")
            .Titled("Fixing a null reference")
            .User("Why does my C# code throw a NullReferenceException?")
            .Assistant("Because the variable is null when you dereference it.")
            .Build();

        var digest = new DigestBuilder().Build(conversation);

        Assert.Equal("c1", digest.ConversationId);
        Assert.Equal("Fixing a null reference", digest.Title);
        Assert.Equal(
            "User: Why does my C# code throw a NullReferenceException?\nAssistant: Because the variable is null when you dereference it.",
            digest.Text);
    }

    [Fact]
    public void DigestLeavesOutHiddenMessagesToolTrafficReasoningAndCustomInstructions()
    {
        var conversation = ConversationBuilder.Create()
            .HiddenSystem("SECRET-SYSTEM")
            .Add("user", "SECRET-PROFILE", contentType: "user_editable_context", isHidden: true)
            .User("Plot my sales data")
            .ToolCall("python", "SECRET-CODE")
            .Tool("python", "SECRET-OUTPUT")
            .Thoughts("SECRET-THOUGHTS")
            .Add("assistant", "SECRET-RECAP", contentType: "reasoning_recap")
            .Assistant("Here is the plot.")
            .Build();

        var digest = new DigestBuilder().Build(conversation);

        Assert.DoesNotContain("SECRET", digest.Text, StringComparison.Ordinal);
        Assert.Equal("User: Plot my sales data\nAssistant: Here is the plot.", digest.Text);
    }

    [Fact]
    public void DigestLeavesOutAssetPointers()
    {
        var conversation = ConversationBuilder.Create()
            .Add("user", "What is in sediment://file_00000000abc123 this photo?\n[image: file-service://file-XYZ]", contentType: "multimodal_text")
            .Add("user", "Sum this column\n[file: quarterly_budget.xlsx]", contentType: "multimodal_text")
            .Build();

        var digest = new DigestBuilder().Build(conversation);

        Assert.Equal("User: What is in this photo?\nUser: Sum this column [file: quarterly_budget.xlsx]", digest.Text);
    }

    [Fact]
    public void LongConversationStaysWithinBudgetAndFavoursTheFirstUserMessage()
    {
        var builder = ConversationBuilder.Create().Titled("A long one").User("FIRST " + Words("question", 400));
        for (var i = 0; i < 30; i++) builder.Assistant(Words("answer", 300)).User(Words("followup", 300));
        var conversation = builder.Build();

        var digest = new DigestBuilder(tokenBudget: 400).Build(conversation);

        Assert.InRange(TokenEstimate.Of(digest.Title) + TokenEstimate.Of(digest.Text), 300, 400);
        Assert.Equal(CategorizationPrompt.EntryTokens(digest.Title, digest.Text, TokenCounter.Estimate), digest.Tokens);
        Assert.StartsWith("User: FIRST question", digest.Text, StringComparison.Ordinal);
        var firstUserLine = digest.Text.Split('\n')[0];
        Assert.InRange(TokenEstimate.Of(firstUserLine), 150, 210);
        Assert.Contains("followup", digest.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void UserMessagesAreKeptBeforeAssistantReplies()
    {
        var conversation = ConversationBuilder.Create()
            .User(Words("ask", 100))
            .Assistant(Words("reply", 1000))
            .User(Words("again", 100))
            .Build();

        var digest = new DigestBuilder(tokenBudget: 200).Build(conversation);

        var lines = digest.Text.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("User: ask", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Assistant: reply", lines[1], StringComparison.Ordinal);
        Assert.StartsWith("User: again", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void SameConversationGivesSameDigestAndHash()
    {
        var first = new DigestBuilder().Build(ConversationBuilder.Create().User("Hello there").Build());
        var second = new DigestBuilder().Build(ConversationBuilder.Create().User("Hello there").Build());

        Assert.Equal(first, second);
        Assert.Equal(64, first.Hash.Length);
    }

    [Fact]
    public void ChangedTextOrBudgetChangesTheHash()
    {
        var conversation = ConversationBuilder.Create().User(Words("word", 500)).Build();
        var changed = ConversationBuilder.Create().User(Words("word", 500) + " more").Build();

        var hash = new DigestBuilder(400).Build(conversation).Hash;

        Assert.NotEqual(hash, new DigestBuilder(400).Build(ConversationBuilder.Create().User("Other words").Build()).Hash);
        Assert.NotEqual(hash, new DigestBuilder(100).Build(conversation).Hash);
        Assert.Equal(hash, new DigestBuilder(400).Build(changed).Hash); // the change is past the budget: same question
    }

    [Fact]
    public void ConversationWithoutIdIsNamedByItsIndex()
    {
        var conversation = ConversationBuilder.Create().User("Hi").Build() with
        {
            Id = null,
            Location = new ConversationLocation("conversations.json", 7),
        };

        Assert.Equal("index:7", new DigestBuilder().Build(conversation).ConversationId);
    }

    [Fact]
    public void CjkTextCountsAboutOneTokenPerCharacter()
    {
        Assert.Equal(10, TokenEstimate.Of("日本語のテキストです。"[..10]));
        Assert.Equal(3, TokenEstimate.Of("hello world!"));
        Assert.Equal(2, TokenEstimate.Of("🚀🚀"));
    }

    // Digests of earlier jobs are compared by hash (results reused): the hand fold must clean exactly as the regex did.
    [Fact]
    public void WhitespaceIsFoldedAsTheRegexFoldedItForEveryCharacter()
    {
        var regex = new System.Text.RegularExpressions.Regex(@"\s+");
        var texts = Enumerable.Range(0, char.MaxValue + 1).Select(c => (char)c)
            .Where(c => !char.IsSurrogate(c))
            .Select(c => $"{c}a{c}{c} b\t{c}\n c{c}")
            .Concat(["", " ", "\r\n", "already folded", "  two  spaces  ", "a \nb", "a\n b", "a  \t  b c", "one two three  four\r\n\r\nfive six\u3000七 八"]);

        Assert.All(texts, text => Assert.Equal(regex.Replace(text, " ").Trim(), DigestBuilder.FoldWhitespace(text)));
    }

    private static string Words(string word, int count) => string.Join(' ', Enumerable.Repeat(word, count));
}
