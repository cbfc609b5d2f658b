using System.Text.RegularExpressions;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

/// <summary>What every page must hold to: the CSP's rules (no inline script or style), a token in every form that posts, a label for every field.</summary>
public sealed partial class PageConventionTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Fact]
    public async Task EveryPageKeepsScriptsInFilesFormsTokenedAndFieldsLabelled()
    {
        var session = Guid.NewGuid().ToString("N");
        var done = await fixture.App.DoneTopicJobAsync(session);
        var running = await fixture.App.JobAsync(session, JobStatus.Categorizing, change: j => j.Total = 4);
        using var client = fixture.App.CreateSessionClient(session);

        foreach (var path in new[]
        {
            "/", "/jobs", $"/jobs/{done.Id}", $"/jobs/{running.Id}", $"/jobs/{done.Id}/results", $"/jobs/{done.Id}/results?view=month",
            $"/jobs/{done.Id}/results?view=year&q=a", $"/jobs/{done.Id}/conversations/0", "/category-sets", "/category-sets/new",
            "/session", "/session/join",
        })
        {
            var html = await client.PageAsync(path);

            Assert.DoesNotMatch(InlineScript(), html);
            Assert.DoesNotMatch(StyleAttribute(), html);
            Assert.DoesNotMatch(EventHandlerAttribute(), html);
            foreach (Match form in PostForm().Matches(html))
            {
                Assert.True(form.Value.Contains(PageClient.TokenField, StringComparison.Ordinal), $"A form on {path} posts without a token: {form.Value[..Math.Min(200, form.Value.Length)]}");
            }
            foreach (Match field in LabelledField().Matches(html))
            {
                var id = field.Groups["id"].Value;
                Assert.True(html.Contains($"for=\"{id}\"", StringComparison.Ordinal), $"The field #{id} on {path} has no label.");
            }
            Assert.Single(Heading1().Matches(html));
            Assert.Contains("<a class=\"skip-link\" href=\"#main\">", html, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();

    [GeneratedRegex("\\sstyle=\"")]
    private static partial Regex StyleAttribute();

    [GeneratedRegex("<[a-z]+[^>]*\\son[a-z]+=\"")]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex("<form[^>]*method=\"post\".*?</form>", RegexOptions.Singleline)]
    private static partial Regex PostForm();

    [GeneratedRegex("<(?:input|select|textarea)(?![^>]*type=\"(?:hidden|submit|radio|checkbox)\")[^>]*\\sid=\"(?<id>[^\"]+)\"")]
    private static partial Regex LabelledField();

    [GeneratedRegex("<h1[ >]")]
    private static partial Regex Heading1();
}
