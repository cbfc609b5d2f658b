using System.Net;
using Markdig;
using Markdig.Extensions.Mathematics;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;
using Microsoft.AspNetCore.Html;

namespace ChatOrganizer.Web.Models;

// The model's answers are Markdown, shown as ChatGPT shows them: tables, code blocks named by their language,
// math left as written, and emphasis that works beside Chinese, Japanese and Korean text (CommonMark's flanking
// rules leave "**콜옵션(Call Option)**에" literal; Markdig's CJK-friendly extension follows the proposed fix).
// Raw HTML is disabled (any tag in the text comes out as text), links and images go only to http, https and
// mailto, and links are marked so the target learns nothing of this page.
public static class MessageMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseCjkFriendlyEmphasis()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        // Math ($…$, and \( \) and \[ \] turned into them by LatexMath): no asterisk inside becomes emphasis.
        .UseMathematics()
        .UseAutoLinks()
        .UseReferralLinks("nofollow", "noopener", "noreferrer")
        .Build();

    public static IHtmlContent ToHtml(string markdown)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer) { LinkRewriter = SafeUrl };
        Pipeline.Setup(renderer);
        renderer.ObjectRenderers.ReplaceOrAdd<CodeBlockRenderer>(new NamedCodeBlockRenderer());
        renderer.ObjectRenderers.ReplaceOrAdd<HtmlMathInlineRenderer>(new ReadableMathInlineRenderer());
        renderer.ObjectRenderers.ReplaceOrAdd<HtmlMathBlockRenderer>(new ReadableMathBlockRenderer());
        renderer.Render(Markdown.Parse(LatexMath.ToDollars(markdown), Pipeline));
        writer.Flush();
        return new HtmlString(writer.ToString());
    }

    // javascript:, data: and the like become a dead link; relative URLs would point into this app, so they go too.
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" ? url : "#";

    // A formula as readable text, its LaTeX in the tooltip (title) to copy.
    private sealed class ReadableMathInlineRenderer : HtmlObjectRenderer<MathInline>
    {
        protected override void Write(HtmlRenderer renderer, MathInline math)
        {
            var latex = math.Content.ToString();
            renderer.Write("<span class=\"math\" title=\"").WriteEscape(latex).Write("\">").WriteEscape(LatexMath.Readable(latex)).Write("</span>");
        }
    }

    private sealed class ReadableMathBlockRenderer : HtmlObjectRenderer<MathBlock>
    {
        protected override void Write(HtmlRenderer renderer, MathBlock math)
        {
            var latex = string.Join('\n', math.Lines.Lines.Take(math.Lines.Count).Select(l => l.Slice.ToString()));
            renderer.EnsureLine();
            renderer.Write("<div class=\"math\" title=\"").WriteEscape(latex).Write("\">").WriteEscape(LatexMath.Readable(latex)).WriteLine("</div>");
        }
    }

    // A fenced block says its language above the code, as ChatGPT's do.
    private sealed class NamedCodeBlockRenderer : CodeBlockRenderer
    {
        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            if (block is FencedCodeBlock { Info: { Length: > 0 } language })
            {
                renderer.EnsureLine();
                renderer.Write("<p class=\"code-label\">").Write(WebUtility.HtmlEncode(language)).WriteLine("</p>");
            }
            base.Write(renderer, block);
        }
    }
}
