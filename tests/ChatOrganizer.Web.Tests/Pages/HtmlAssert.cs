using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace ChatOrganizer.Web.Tests.Pages;

internal static class HtmlAssert
{
    private static readonly HtmlParser Parser = new();

    public static IDocument Parse(string html) => Parser.ParseDocument(html);

    // The text is on the page as text (in an element's text or an attribute's value, once parsed), and nothing of it
    // became markup: no script that alerts, no element with an event handler, no element the text would have made.
    public static void Encoded(string text, string html)
    {
        var page = Parse(html);
        Assert.True(
            page.DocumentElement.TextContent.Contains(text, StringComparison.Ordinal)
                || page.All.Any(e => e.Attributes.Any(a => a.Value.Contains(text, StringComparison.Ordinal))),
            $"'{text}' is not on the page as text.");
        Assert.DoesNotContain(page.Scripts, s => s.TextContent.Contains("alert", StringComparison.Ordinal));
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        Assert.Empty(page.QuerySelectorAll("img[src=x]"));
    }
}
