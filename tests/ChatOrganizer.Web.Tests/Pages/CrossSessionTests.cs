using System.Net;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class CrossSessionTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Fact]
    public async Task EveryPageFormAndDownloadOfAJobIsNotFoundForAnotherSession()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await fixture.App.DoneTopicJobAsync(owner);
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var token = await stranger.TokenAsync();

        foreach (var (method, path) in new[]
        {
            ("GET", $"/jobs/{job.Id}"), ("GET", $"/jobs/{job.Id}/results"), ("GET", $"/jobs/{job.Id}/results?view=month&q=a"),
            ("GET", $"/jobs/{job.Id}/conversations/0"), ("GET", $"/jobs/{job.Id}/conversations/0?leaf=a-m0"),
            ("GET", $"/jobs/{job.Id}/download.csv"), ("GET", $"/jobs/{job.Id}/download.json"), ("GET", $"/jobs/{job.Id}/transcripts.zip"),
            ("POST", $"/jobs/{job.Id}/cancel"), ("POST", $"/jobs/{job.Id}/delete"),
        })
        {
            using var response = await SendAsync(stranger, method, path, token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
        }
        Assert.DoesNotContain(job.Id, await stranger.PageAsync("/jobs"), StringComparison.Ordinal);
        Assert.Equal(JobStatus.Done, (await fixture.App.ReloadAsync(job.Id)).Status);
    }

    [Fact]
    public async Task AnotherSessionsCategorySetIsNotFoundToReadChangeCopyOrDelete()
    {
        var owner = Guid.NewGuid().ToString("N");
        CategorySetView set;
        using (var scope = fixture.App.Services.CreateScope())
        {
            set = (await scope.ServiceProvider.GetRequiredService<CategorySetService>()
                .CreateAsync(owner, new CategorySetInput("Mine", [new CategoryInput("Secret")]), CancellationToken.None)).Set!;
        }
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var token = await stranger.TokenAsync();

        foreach (var (method, path) in new[]
        {
            ("GET", $"/category-sets/{set.Id}"), ("POST", $"/category-sets/{set.Id}"),
            ("POST", $"/category-sets/{set.Id}/copy"), ("POST", $"/category-sets/{set.Id}/delete"),
        })
        {
            using var response = await SendAsync(stranger, method, path, token);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
        }
        Assert.DoesNotContain("Secret", await stranger.PageAsync("/category-sets"), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path, string token) =>
        client.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative))
        {
            Content = method == "POST" ? new FormUrlEncodedContent([new(PageClient.TokenField, token), new("Name", "x"), new("command", "save")]) : null,
        });
}
