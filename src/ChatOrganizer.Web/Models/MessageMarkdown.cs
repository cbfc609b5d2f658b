using Markdig;
using Markdig.Renderers;
using Microsoft.AspNetCore.Html;

namespace ChatOrganizer.Web.Models;

/// <summary>
/// The model's answers are Markdown: rendered with raw HTML disabled (any tag in the text comes out as text),
/// links and images only to http, https and mailto, and links marked so the target learns nothing of this page.
/// </summary>
public static class MessageMarkdown
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UsePipeTables()
        .UseReferralLinks("nofollow", "noopener", "noreferrer")
        .Build();

    public static IHtmlContent ToHtml(string markdown)
    {
        using var writer = new StringWriter();
        var renderer = new HtmlRenderer(writer) { LinkRewriter = SafeUrl };
        Pipeline.Setup(renderer);
        renderer.Render(Markdown.Parse(markdown, Pipeline));
        writer.Flush();
        return new HtmlString(writer.ToString());
    }

    // javascript:, data: and the like become a dead link; relative URLs would point into this app, so they go too.
    private static string SafeUrl(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "mailto" ? url : "#";
}
