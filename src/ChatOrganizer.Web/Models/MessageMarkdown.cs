using System.Net;
using Markdig;
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
        // Math is kept as its source text: no asterisk inside $…$ becomes emphasis.
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
        renderer.Render(Markdown.Parse(markdown, Pipeline));
        writer.Flush();
        return new HtmlString(writer.ToString());
    }

    // javascript:, data: and the like become a dead link; relative URLs would point into this app, so they go too.
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" ? url : "#";

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
