using System.Net;
using ChatOrganizer.Export;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class ConversationPageTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private readonly string _session = Guid.NewGuid().ToString("N");

    [Fact]
    public async Task TheActivePathReadsAsAChatWithRolesTimesAndCustomInstructionsApart()
    {
        var jobId = await StoreAsync(SampleConversations.RegeneratedAnswer());
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{jobId}/conversations/0");

        Assert.Contains("<h1>Bread</h1>", html, StringComparison.Ordinal);
        Assert.Contains("<li class=\"message role-user\" id=\"m-q\">", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"who\">ChatGPT</span>", html, StringComparison.Ordinal);
        Assert.Contains("1 Mar 2024, 09:00 UTC", html, StringComparison.Ordinal);
        Assert.Contains("<div class=\"body markdown\"><p>Use a hot oven.</p>", html, StringComparison.Ordinal); // the answer, as Markdown
        Assert.DoesNotContain("id=\"m-a-old\"", html, StringComparison.Ordinal); // the other branch is only linked
        var instructions = html[html.IndexOf("Custom instructions", StringComparison.Ordinal)..html.IndexOf("<ol class=\"transcript\">", StringComparison.Ordinal)];
        Assert.Contains("I bake on weekends.", instructions, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABranchPointLinksToTheOtherVersionAndTheLinkShowsThatBranch()
    {
        var jobId = await StoreAsync(SampleConversations.RegeneratedAnswer());
        using var client = fixture.App.CreateSessionClient(_session);

        var active = await client.PageAsync($"/jobs/{jobId}/conversations/0");
        var branch = await client.PageAsync($"/jobs/{jobId}/conversations/0?leaf=a-old");

        Assert.Contains("version 2 of 2", active, StringComparison.Ordinal);
        Assert.Contains($"href=\"/jobs/{jobId}/conversations/0?leaf=a-old#m-a-old\">version 1</a>", active, StringComparison.Ordinal);
        Assert.Contains("“Use flour and water.”", active, StringComparison.Ordinal);
        Assert.Contains("Use flour and water.", branch, StringComparison.Ordinal);
        Assert.Contains("version 1 of 2", branch, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"m-a-new\"", branch, StringComparison.Ordinal);
        Assert.Contains("Back to the version ChatGPT shows", branch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ALeafThatIsNotInTheConversationIsNotFound()
    {
        var jobId = await StoreAsync(SampleConversations.RegeneratedAnswer());
        using var client = fixture.App.CreateSessionClient(_session);

        using var response = await client.GetAsync(new Uri($"/jobs/{jobId}/conversations/0?leaf=nowhere", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task CodeAndOutputAreToolCardsAttachmentsAreNamedAndHiddenMessagesLeftOut()
    {
        var conversation = ConversationBuilder.Create("tools").Titled("Plot")
            .HiddenSystem("You are a secret system prompt.")
            .User("Plot it")
            .ToolCall("python", "import matplotlib\nplt.plot([1, 2])")
            .Tool("python", "<Figure size 640x480>")
            .Add("assistant", "Here it is.", attachments: [new Attachment("image", "sediment://file_1", "chart.png", 2048, "image/png")])
            .Build();
        var jobId = await StoreAsync(conversation);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{jobId}/conversations/0");

        Assert.Contains("<pre><code>import matplotlib&#xA;plt.plot([1, 2])</code></pre>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tool-label\">Code interpreter</span> <span class=\"tool-part\">code</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tool-label\">Code interpreter</span> <span class=\"tool-part\">output</span>", html, StringComparison.Ordinal);
        Assert.Contains("<pre><code>&lt;Figure size 640x480&gt;</code></pre>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<span class=\"who\">Tool", html, StringComparison.Ordinal);
        // A JSON upload holds no files: the image is named and said to be missing.
        Assert.Contains("image not in the export: chart.png", html, StringComparison.Ordinal);
        Assert.DoesNotContain("secret system prompt", html, StringComparison.Ordinal);
        Assert.Contains("1 hidden message", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostileTitleAndMessagesAreEncodedAndMarkdownCannotCarryHtmlOrScriptLinks()
    {
        var conversation = ConversationBuilder.Create("evil").Titled(PageSeed.Hostile)
            .User(PageSeed.Hostile)
            .Assistant($"{PageSeed.Hostile}\n\n*Read* [click me](javascript:alert(3)) and [docs](https://example.com/docs)\n\n<iframe src=\"https://evil.example\"></iframe>")
            .Build();
        var jobId = await StoreAsync(conversation);
        using var client = fixture.App.CreateSessionClient(_session);

        var html = await client.PageAsync($"/jobs/{jobId}/conversations/0");

        HtmlAssert.Encoded(PageSeed.Hostile, html);
        Assert.DoesNotContain("javascript:", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<iframe", html, StringComparison.Ordinal);
        Assert.Contains("&lt;iframe", html, StringComparison.Ordinal);
        Assert.Contains("<em>Read</em>", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"https://example.com/docs\" rel=\"nofollow noopener noreferrer\">docs</a>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviousAndNextFollowTheResultsViewThePersonCameFrom()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        var byTopic = await client.PageAsync($"/jobs/{job.Id}/conversations/0?view=topic");
        var byMonth = await client.PageAsync($"/jobs/{job.Id}/conversations/2?view=month");

        // Cooking, newest first: Sourdough starter (March), then Pasta for four (January).
        Assert.Contains($"<a href=\"/jobs/{job.Id}/conversations/1?view=topic\" rel=\"prev\"><span aria-hidden=\"true\">‹</span> Newer: Sourdough starter</a>", byTopic, StringComparison.Ordinal);
        Assert.Contains("2 of 2 in Cooking", byTopic, StringComparison.Ordinal);
        Assert.DoesNotContain("rel=\"next\"", byTopic, StringComparison.Ordinal);
        // March 2024: A week in Rome (the 20th) before Sourdough starter (the 2nd).
        Assert.Contains($"<a href=\"/jobs/{job.Id}/conversations/1?view=month\" rel=\"next\">Older: Sourdough starter", byMonth, StringComparison.Ordinal);
        Assert.Contains("1 of 2 in March 2024", byMonth, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreviousAndNextKeepToTheFilterAndTheFailedKeepToTheirOwnList()
    {
        var job = await fixture.App.DoneTopicJobAsync(_session);
        using var client = fixture.App.CreateSessionClient(_session);

        // 2024 holds three; "our" is in Pasta for four and Sourdough starter, not in A week in Rome.
        var byYearFiltered = await client.PageAsync($"/jobs/{job.Id}/conversations/0?view=year&q=our");
        var failed = await client.PageAsync($"/jobs/{job.Id}/conversations/3?view=topic");
        var filteredOut = await client.PageAsync($"/jobs/{job.Id}/conversations/2?view=year&q=our");

        Assert.Contains($"<a href=\"/jobs/{job.Id}/conversations/1?view=year&amp;q=our\" rel=\"prev\"><span aria-hidden=\"true\">‹</span> Newer: Sourdough starter</a>", byYearFiltered, StringComparison.Ordinal);
        Assert.Contains("2 of 2 in 2024", byYearFiltered, StringComparison.Ordinal);
        Assert.Contains("1 of 1 in Could not be categorized", failed, StringComparison.Ordinal);
        Assert.DoesNotContain("class=\"neighbours\"", filteredOut, StringComparison.Ordinal); // A week in Rome is not in the filtered list
    }

    private async Task<string> StoreAsync(Conversation conversation)
    {
        var job = await fixture.App.JobAsync(_session, JobStatus.Done, JobMode.Month);
        await fixture.App.StoreAsync(job.Id, 0, conversation);
        return job.Id;
    }
}
