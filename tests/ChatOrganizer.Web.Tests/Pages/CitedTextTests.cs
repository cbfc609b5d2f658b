using ChatOrganizer.Export;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Tests.Pages;

// Citation markers as ChatGPT shows them: numbered links to the pages, listed under the answer; machinery gone.
public sealed class CitedTextTests
{
    [Fact]
    public void EachMarkerBecomesANumberedLinkAndAPageCitedTwiceKeepsItsNumber()
    {
        var (text, sources) = CitedText.Link(
            "Founded in 2014【3:0†source】, bought by Fastly【3:1†source】 in 2020【3:0†source】.",
            [new Citation("【3:0†source】", "Crunchbase", "https://www.crunchbase.com/a"), new Citation("【3:1†source】", null, "https://www.fastly.com/press")]);

        Assert.Equal("Founded in 2014[[1]](<https://www.crunchbase.com/a>), bought by Fastly[[2]](<https://www.fastly.com/press>) in 2020[[1]](<https://www.crunchbase.com/a>).", text);
        Assert.Equal([new TranscriptSource(1, "Crunchbase", "https://www.crunchbase.com/a"), new TranscriptSource(2, null, "https://www.fastly.com/press")], sources);
        Assert.Equal("www.fastly.com", sources![1].Host);
        var html = MessageMarkdown.ToHtml(text).ToString();
        Assert.Contains("<a href=\"https://www.crunchbase.com/a\" rel=\"nofollow noopener noreferrer\">[1]</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void MarkersWithNoPageAndTheLaterFormsMachineryAreLeftOut()
    {
        var (text, sources) = CitedText.Link(
            "주식 투자는 위험합니다【12†source】. 출처 \uE200cite\uE202turn0search2\uE201 참고. Try \uE200entity\uE202[\"restaurant\",\"Joe's Pizza\"]\uE201 tonight.",
            null);

        Assert.Equal("주식 투자는 위험합니다. 출처  참고. Try Joe's Pizza tonight.", text);
        Assert.Null(sources);
    }

    [Theory]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("/jobs/other/files/1")]
    [InlineData("https://example.com/><script>")]
    public void OnlyWebPagesAreLinked(string url)
    {
        var (text, sources) = CitedText.Link("Claim【1†source】.", [new Citation("【1†source】", "Page", url)]);

        Assert.Equal("Claim.", text);
        Assert.Null(sources);
    }

    [Fact]
    public void TextWithoutMarkersIsLeftAlone()
    {
        const string text = "Use logrotate. 【 is a bracket.";

        Assert.Equal((text, (IReadOnlyList<TranscriptSource>?)null), CitedText.Link(text, null));
    }
}
