using AngleSharp.Dom;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

// What every page must hold to: the CSP's rules (no inline script or style), a token in every form that posts, a label for every field.
public sealed class PageConventionTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    // {done} and {running}: a finished topic job and one still categorizing, of the page's own session.
    [Theory]
    [InlineData("/")]
    [InlineData("/jobs")]
    [InlineData("/jobs/{done}")]
    [InlineData("/jobs/{running}")]
    [InlineData("/jobs/{done}/results")]
    [InlineData("/jobs/{done}/results?view=month")]
    [InlineData("/jobs/{done}/results?view=year&q=a")]
    [InlineData("/jobs/{done}/conversations/0")]
    [InlineData("/category-sets")]
    [InlineData("/category-sets/new")]
    [InlineData("/session")]
    [InlineData("/session/join")]
    [InlineData("/search")]
    public async Task ThePageKeepsScriptsInFilesFormsTokenedAndFieldsLabelled(string template)
    {
        var session = Guid.NewGuid().ToString("N");
        var done = await fixture.App.DoneTopicJobAsync(session);
        var running = await fixture.App.JobAsync(session, JobStatus.Categorizing, change: j => j.Total = 4);
        using var client = fixture.App.CreateSessionClient(session);
        var path = template.Replace("{done}", done.Id, StringComparison.Ordinal).Replace("{running}", running.Id, StringComparison.Ordinal);

        var page = HtmlAssert.Parse(await client.PageAsync(path));

        Assert.DoesNotContain(page.Scripts, s => !s.HasAttribute("src"));
        Assert.Empty(page.QuerySelectorAll("[style]"));
        Assert.DoesNotContain(page.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));
        var forms = page.Forms.Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.All(forms, f => Assert.True(f.QuerySelector($"input[name='{PageClient.TokenField}']") is not null, $"A form on {path} posts without a token: {f.OuterHtml[..Math.Min(200, f.OuterHtml.Length)]}"));
        var fields = page.QuerySelectorAll("input, select, textarea")
            .Where(f => f.GetAttribute("type") is not ("hidden" or "submit" or "button" or "reset")).ToList();
        Assert.All(fields, f => Assert.True(HasLabel(page, f), $"A field on {path} has no label: {f.OuterHtml}"));
        Assert.Single(page.QuerySelectorAll("h1"));
        Assert.NotNull(page.QuerySelector("a.skip-link[href='#main']"));
    }

    // A <label for> its id, a <label> around it, or an aria-label: a field with no id is no excuse.
    private static bool HasLabel(IDocument page, IElement field) =>
        (field.Id is { Length: > 0 } id && page.QuerySelectorAll("label").Any(l => l.GetAttribute("for") == id))
        || field.Closest("label") is not null
        || field.GetAttribute("aria-label") is { Length: > 0 }
        || field.GetAttribute("aria-labelledby") is { Length: > 0 };
}
