using ChatOrganizer.Web.Models;

namespace ChatOrganizer.Web.Tests.Pages;

// Answers as ChatGPT shows them: strings shaped like those of real Korean, Chinese and Japanese exports.
public sealed class MessageMarkdownTests
{
    [Theory]
    [InlineData("이 도표는 **콜옵션(Call Option)**에 대한 설명입니다.", "이 도표는 <strong>콜옵션(Call Option)</strong>에 대한 설명입니다.")]
    [InlineData("**수익 구조:**손익분기점은 행사가격입니다.", "<strong>수익 구조:</strong>손익분기점은 행사가격입니다.")]
    [InlineData("这是**“期权”**的定义。", "这是<strong>“期权”</strong>的定义。")]
    [InlineData("我可以强调**这个`code`**吗？", "我可以强调<strong>这个<code>code</code></strong>吗？")]
    [InlineData("**この文を強調できますか（Can I?）**残念ながら。", "<strong>この文を強調できますか（Can I?）</strong>残念ながら。")]
    [InlineData("*斜体（italic）*です", "<em>斜体（italic）</em>です")]
    public void EmphasisBesideChineseJapaneseAndKoreanTextRenders(string markdown, string paragraph)
    {
        Assert.Equal($"<p>{paragraph}</p>", Html(markdown));
    }

    [Fact]
    public void AsterisksInCodeUrlsAndMathStayAsWritten()
    {
        Assert.Equal("<p>곱은 <code>a**b**c</code>입니다</p>", Html("곱은 `a**b**c`입니다"));
        Assert.Contains("<code>x = 2**10**1\n</code>", Html("```\nx = 2**10**1\n```"), StringComparison.Ordinal);
        Assert.DoesNotContain("<strong>", Html("수식 $a**b**c$ 입니다"), StringComparison.Ordinal);
        var url = Html("링크 https://example.com/a**b**c 참고");
        Assert.Contains("href=\"https://example.com/a**b**c\"", url, StringComparison.Ordinal);
        Assert.DoesNotContain("<strong>", url, StringComparison.Ordinal);
    }

    [Fact]
    public void LatexBetweenBackslashParenthesesAndBracketsIsMathNotEscapedPunctuation()
    {
        // As 2023-2024 answers write it (a code interpreter conversation): inline \( \) and display \[ \] on their own lines.
        var html = Html("between \\( x \\) and \\( y \\) drawn from \\( U(0,1) \\):\n\n\\[\nE[|x-y|] = \\int_0^1 \\int_0^1 |x-y| \\, dx \\, dy\n\\]\n\nis \\( \\frac{1}{3} \\).");

        Assert.Contains("<span class=\"math\" title=\"x\">x</span> and <span class=\"math\" title=\"y\">y</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"math\" title=\"U(0,1)\">U(0,1)</span>", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"math\" title=\"E[|x-y|] = \\int_0^1 \\int_0^1 |x-y| \\, dx \\, dy\">E[|x-y|] = ∫₀¹ ∫₀¹ |x-y| dx dy</div>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"math\" title=\"\\frac{1}{3}\">1/3</span>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("( x )", html, StringComparison.Ordinal);
        Assert.Equal("<p>See [1] and [note].</p>", Html("See \\[1\\] and \\[note\\]."));
    }

    [Theory]
    [InlineData("\\alpha^2 + \\beta_{i} \\leq \\sqrt{x^2 + 1}", "α² + βᵢ ≤ √(x² + 1)")]
    [InlineData("\\frac{a+b}{2} \\times 10^{-3}", "(a+b)/2 × 10⁻³")]
    [InlineData("x \\in \\mathbb{R}, \\forall n \\in \\mathbb{N}", "x ∈ ℝ, ∀ n ∈ ℕ")]
    [InlineData("\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}", "∑ₖ₌₁ⁿ k = (n(n+1))/2")]
    [InlineData("\\left( \\text{수익률} \\right) \\approx 5\\%", "( 수익률 ) ≈ 5%")]
    [InlineData("\\oiint F", "\\oiint F")]
    public void FormulasReadAsUnicodeWhereTheyCan(string latex, string readable)
    {
        Assert.Equal(readable, LatexMath.Readable(latex));
    }

    [Fact]
    public void BackslashParenthesesInCodeStayAsWritten()
    {
        Assert.Contains("<code>re.escape(\\(x\\))</code>", Html("Use `re.escape(\\(x\\))` here"), StringComparison.Ordinal);
        Assert.Contains("pattern = r'\\(a\\)'", Html("```python\npattern = r'\\(a\\)'\n```"), StringComparison.Ordinal);
        Assert.Contains("<code>", Html("```\n\\[\nnot math\n\\]\n```"), StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"math\"", Html("```\n\\[\nnot math\n\\]\n```"), StringComparison.Ordinal);
    }

    [Fact]
    public void DollarAmountsAreNotMath()
    {
        Assert.Equal("<p>It costs $5 and $10.</p>", Html("It costs $5 and $10."));
    }

    [Fact]
    public void TablesRenderAndCodeBlocksNameTheirLanguage()
    {
        var table = Html("| 항목 | 값 |\n|---|---|\n| **행사가** | 100 |");
        Assert.Contains("<table>", table, StringComparison.Ordinal);
        Assert.Contains("<td><strong>행사가</strong></td>", table, StringComparison.Ordinal);

        var code = Html("```python\nprint('你好')\n```");
        Assert.Contains("<p class=\"code-label\">python</p>", code, StringComparison.Ordinal);
        Assert.Contains("<pre><code class=\"language-python\">print('你好')", code, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("```\"><script>alert(1)</script>\nx\n```")]
    [InlineData("**<img src=x onerror=alert(1)>**에")]
    [InlineData("[**링크**](javascript:alert(1))를")]
    [InlineData("![**그림**](data:text/html,<script>alert(1)</script>)")]
    [InlineData("$<script>alert(1)</script>$")]
    [InlineData("javascript:alert(1)//**굵게**")]
    public void HostileMarkdownBesideCjkTextCarriesNoHtmlOrScript(string markdown)
    {
        var html = Html(markdown);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img src=x", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href=\"javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"data:", html, StringComparison.OrdinalIgnoreCase);
    }

    private static string Html(string markdown) => MessageMarkdown.ToHtml(markdown).ToString()!.Trim();
}
