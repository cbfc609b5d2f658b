using System.Net;

namespace ChatOrganizer.Web.Tests.Pages;

internal static class HtmlAssert
{
    /// <summary>The text is on the page, HTML-encoded, and nowhere as markup.</summary>
    public static void Encoded(string text, string html)
    {
        Assert.Contains(WebUtility.HtmlEncode(text).Replace("&#39;", "&#x27;", StringComparison.Ordinal), html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror=alert(2)>", html.Replace("onerror=alert(2)&gt;", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
