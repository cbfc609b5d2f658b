namespace ChatOrganizer.Core.Tests;

public sealed class TextCutTests
{
    [Fact]
    public void TextThatFitsIsLeftAsItIs() => Assert.Equal("주식 투자", TextCut.Fit("주식 투자", 5, "…"));

    [Fact]
    public void CutTextEndsInTheMarkerWithinTheLength()
    {
        var cut = TextCut.Fit("一二三四五六七八九十", 6, "…");

        Assert.Equal("一二三四五…", cut);
    }

    [Fact]
    public void AnEmojiAtTheCutIsDroppedWholeNeverHalved()
    {
        // 😀 is two UTF-16 units; a cut between them would leave a lone surrogate, which is not text.
        var cut = TextCut.Fit("abc😀def", 5, "…");

        Assert.Equal("abc…", cut);
        Assert.DoesNotContain(cut, char.IsSurrogate);
    }

    [Fact]
    public void ALineFoldsItsWhitespaceAndIsCutWithAnEllipsis()
    {
        var line = TextCut.Line("  첫 줄\n\n둘째   줄\t셋째 줄이 아주 길어요  ", 12);

        Assert.Equal("첫 줄 둘째 줄 셋째…", line);
        Assert.True(line.Length <= 12);
    }

    [Fact]
    public void AShortLineIsOnlyFolded() => Assert.Equal("两行 文字", TextCut.Line("两行\n文字", 20));
}
