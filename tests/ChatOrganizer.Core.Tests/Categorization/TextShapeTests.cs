using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

public class TextShapeTests
{
    [Theory]
    [InlineData("fix this const total = items.reduce((sum, item) => { sum + item.price }, 0); console.log(total) // undefined")]
    [InlineData("Traceback (most recent call last): File \"main.py\", line 12, in <module> ModuleNotFoundError: No module named 'requests'")]
    [InlineData("SELECT name, COUNT(*) FROM customers WHERE country = 'DE' GROUP BY name gives me the wrong totals")]
    [InlineData("npm ERR! code EACCES when I run npm install -g typescript on my mac")]
    public void PastedCodeTracesAndQueriesReadAsCode(string message)
    {
        var shape = TextShape.Read("Help", $"User: {message}");

        Assert.True(shape.Code > 0.5, $"code cue {shape.Code}");
    }

    [Theory]
    [InlineData("my iPhone and macOS keep asking for the iCloud password after the update, e.g. every morning")]
    [InlineData("I can't log in to google.com or amazon.de since yesterday, the page says error and then nothing")]
    [InlineData("Plan a weekend in Lisbon for two: where to stay near the old town and what to eat")]
    public void ProseWithBrandNamesAddressesAndAbbreviationsIsNotCode(string message)
    {
        var shape = TextShape.Read("Help", $"User: {message}");

        Assert.True(shape.Code < 0.3, $"code cue {shape.Code}");
    }

    [Theory]
    [InlineData("I want you to act as a linux terminal. I will type commands and you will reply with what the terminal should show.")]
    [InlineData("你现在是一名面试官，请扮演这个角色问我问题")]
    [InlineData("지금부터 너는 카페 사장님 역할을 해줘, 나는 손님이야")]
    [InlineData("あなたは魔法使いのキャラクターになりきって答えてください")]
    [InlineData("Actúa como un guía turístico de Sevilla y recomiéndame sitios")]
    [InlineData("Du bist jetzt ein Pirat und erzählst mir von deinem Schiff")]
    public void AskingTheModelToPlayARoleIsRolePlayInEachLanguage(string message)
    {
        Assert.Equal(1f, TextShape.Read("New chat", $"User: {message}").RolePlay);
    }

    [Fact]
    public void APastedTextToRewriteCountsMoreThanAskingToWriteAndMoreThanAskingToRewrite()
    {
        var pasted = "Rewrite this to sound more professional: " + string.Join(' ', Enumerable.Repeat("our team shipped the new release late because of testing", 8));

        var rewrite = TextShape.Read("Rewrite request", $"User: {pasted}").Rewrite;
        var compose = TextShape.Read("Landlord email", "User: write an email to my landlord about the broken heating").Rewrite;
        var asked = TextShape.Read("Rewrite", "User: can you rewrite it shorter").Rewrite;

        Assert.Equal(1f, rewrite);
        Assert.True(compose > asked && compose < rewrite, $"compose {compose}, asked {asked}");
        Assert.True(asked > 0, "asking to rewrite is a cue, if a weak one");
    }

    [Theory]
    [InlineData("write a python script that sends an email every morning")]
    [InlineData("write a regex for email addresses")]
    [InlineData("write a cover letter for a junior accountant job")]
    public void WritingCodeOrACoverLetterIsNotAskingForAText(string message)
    {
        Assert.Equal(0f, TextShape.Read("New chat", $"User: {message}").Rewrite);
    }

    [Fact]
    public void AChinesePastedTextToPolishIsARewrite()
    {
        var text = "帮我润色一下这段话：" + string.Concat(Enumerable.Repeat("我们公司今年的销售额比去年增长了很多，团队付出了很大的努力。", 5));

        Assert.Equal(1f, TextShape.Read("润色", $"User: {text}").Rewrite);
    }

    [Theory]
    [InlineData("what is the difference between mitosis and meiosis")]
    [InlineData("为什么天空是蓝色的")]
    [InlineData("¿Por qué el cielo es azul?")]
    public void AskingWhatOrWhyIsAQuestion(string message)
    {
        Assert.Equal(1f, TextShape.Read("New chat", $"User: {message}").Question);
    }

    [Fact]
    public void TheAnswersCodeCountsHalfAsMuchAsThePersons()
    {
        const string code = "df.groupby('city').agg(total=('sales', 'sum')); print(df.head())";

        var asked = TextShape.Read("Pandas", $"User: {code}").Code;
        var answered = TextShape.Read("Pandas", $"User: how do I total sales per city\nAssistant: {code}").Code;

        Assert.True(answered > 0 && answered < asked, $"answered {answered}, asked {asked}");
    }
}
