using System.Net;
using System.Net.Http.Json;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Search;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using ChatOrganizer.Web.Tests.Pages;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Security;

// Every route of the app that names a job or a category set, found in the app's own route table so that a new
// route is covered the day it is added, is tried from a second session: each answers 404, as if nothing were there.
public sealed class CrossSessionAccessTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Fact]
    public async Task EveryJobAndCategorySetRouteAnswers404ToAnotherSession()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await fixture.App.DoneTopicJobAsync(owner);
        var file = await fixture.App.KeptFileAsync(job.Id);
        // A discover job whose topics could become a set: "Make these a category set" must answer 404 for ownership alone.
        var discover = await fixture.App.JobAsync(owner, JobStatus.Done, JobMode.Discover, j => j.DiscoveredTopicsJson = """[{"name":"Secret topic"}]""");
        string setId;
        using (var scope = fixture.App.Services.CreateScope())
        {
            setId = (await scope.ServiceProvider.GetRequiredService<CategorySetService>()
                .CreateAsync(owner, new CategorySetInput("Mine", [new CategoryInput("Secret")]), CancellationToken.None)).Set!.Id;
        }
        // An upload of the owner's still arriving, under the id the job routes are tried with.
        using var upload = fixture.App.Services.GetRequiredService<UploadProgressRegistry>().Start(owner, job.Id);
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        var token = await stranger.TokenAsync();

        var tried = new List<string>();
        var answeredOtherwise = new List<string>();
        foreach (var (method, pattern) in RoutesWithAnId())
        {
            var id = pattern.Contains("category-sets", StringComparison.Ordinal) ? setId
                : pattern.EndsWith("/category-set", StringComparison.Ordinal) ? discover.Id
                : job.Id;
            var path = pattern
                .Replace("{id}", id, StringComparison.Ordinal)
                .Replace("{index:int}", "0", StringComparison.Ordinal)
                .Replace("{index}", "0", StringComparison.Ordinal)
                .Replace("{number:int}", file.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
                .Replace("{batch}", "somebatch", StringComparison.Ordinal);
            using var response = await stranger.SendAsync(Request(method, path, token));
            tried.Add($"{method} {pattern}");
            if (response.StatusCode != HttpStatusCode.NotFound) answeredOtherwise.Add($"{method} {path} answered {(int)response.StatusCode}");
        }

        Assert.True(answeredOtherwise.Count == 0, string.Join(Environment.NewLine, answeredOtherwise));
        // The table really was walked: pages, downloads, API and both kinds of id.
        foreach (var expected in new[]
        {
            "GET /jobs/{id}", "POST /jobs/{id}/start", "GET /jobs/{id}/download.csv", "GET /jobs/{id}/transcripts.zip", "GET /jobs/{id}/files/{number:int}",
            "GET /api/jobs/{id}/results", "DELETE /api/jobs/{id}", "GET /jobs/{id}/results/topics-by-month", "GET /jobs/{id}/conversations/{index:int}/reasoning", "PUT /api/category-sets/{id}", "POST /category-sets/{id}/copy",
            "PATCH /api/jobs/{id}/conversations/{index:int}", "POST /api/jobs/{id}/corrections", "DELETE /api/jobs/{id}/corrections/{batch}",
            "POST /jobs/{id}/corrections", "POST /jobs/{id}/corrections/undo",
            "POST /jobs/{id}/category-set", "POST /api/jobs/{id}/category-set", "GET /api/uploads/{id}/progress",
        })
        {
            Assert.Contains(expected, tried);
        }
        Assert.Equal(JobStatus.Done, (await fixture.App.ReloadAsync(job.Id)).Status);
        await using (var db = fixture.App.Db())
        {
            Assert.False(await db.Corrections.AnyAsync(), "A stranger's correction was kept.");
            Assert.False(db.CategorySets.Any(s => s.Name.StartsWith("Topics of")), "A stranger made a set of another session's topics.");
        }
        using var ownerClient = fixture.App.CreateSessionClient(owner);
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync(new Uri($"/api/category-sets/{setId}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync(new Uri($"/jobs/{job.Id}/files/{file}", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ownerClient.GetAsync(new Uri($"/api/uploads/{job.Id}/progress", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task AnotherSessionsListsShowNoneOfItWhileTheOwnerStillSeesItAll()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await fixture.App.DoneTopicJobAsync(owner);
        using (var scope = fixture.App.Services.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<CategorySetService>()
                .CreateAsync(owner, new CategorySetInput("Mine", [new CategoryInput("Secret")]), CancellationToken.None);
        }
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        using var ownerClient = fixture.App.CreateSessionClient(owner);

        Assert.DoesNotContain(job.Id, await stranger.GetStringAsync(new Uri("/api/jobs", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain(job.Id, await stranger.PageAsync("/jobs"), StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", await stranger.GetStringAsync(new Uri("/api/category-sets", UriKind.Relative)), StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", await stranger.PageAsync("/category-sets"), StringComparison.Ordinal);
        Assert.Contains(job.Id, await ownerClient.GetStringAsync(new Uri("/api/jobs", UriKind.Relative)), StringComparison.Ordinal);
        Assert.Contains("Secret", await ownerClient.PageAsync("/category-sets"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverySearchRouteFindsNothingOfAnotherSessionWhileTheOwnerFindsIt()
    {
        var owner = Guid.NewGuid().ToString("N");
        var job = await fixture.App.DoneTopicJobAsync(owner, hostileTitle: "Sourdough 발효종 secrets");
        var hitLink = $"/jobs/{job.Id}/conversations/";
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        using var ownerClient = fixture.App.CreateSessionClient(owner);

        // Found in the route table, as above: a new search route is covered the day it is added.
        var routes = fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Select(e => "/" + e.RoutePattern.RawText!.TrimStart('/'))
            .Where(p => p.Contains("search", StringComparison.Ordinal))
            .Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["/api/search", "/api/search/status", "/search"], routes);
        // The status counts the caller's own messages only (SearchTests.AnotherSessionFindsNothingOfThisOne).
        Assert.Equal(0, (await stranger.GetFromJsonAsync<SearchStatus>(new Uri("/api/search/status", UriKind.Relative), JobApi.Json))!.Pending);
        foreach (var route in routes.Where(r => !r.EndsWith("/status", StringComparison.Ordinal)))
        {
            foreach (var word in new[] { "발효", "Sourdough", "secrets" })
            {
                var path = $"{route}?q={Uri.EscapeDataString(word)}";
                Assert.DoesNotContain(hitLink, await stranger.GetStringAsync(new Uri(path, UriKind.Relative)), StringComparison.Ordinal);
                Assert.Contains(hitLink, await ownerClient.GetStringAsync(new Uri(path, UriKind.Relative)), StringComparison.Ordinal);
            }
        }
    }

    private IEnumerable<(string Method, string Pattern)> RoutesWithAnId() =>
        fixture.App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.Parameters.Any(p => p.Name == "id"))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (m, "/" + e.RoutePattern.RawText!.TrimStart('/'))))
            .Distinct()
            .OrderBy(r => r.Item2, StringComparer.Ordinal);

    // Page forms carry the stranger's own antiforgery token and plausible fields, API writes a valid body:
    // the 404 must come from ownership, not from a malformed request.
    private static HttpRequestMessage Request(string method, string path, string token) => new(new HttpMethod(method), new Uri(path, UriKind.Relative))
    {
        Content = (method, path.StartsWith("/api/", StringComparison.Ordinal)) switch
        {
            ("PUT", true) => JsonContent.Create(new CategorySetInput("Taken", [new CategoryInput("Mine now")])),
            ("PATCH", true) => JsonContent.Create(new { category = "Travel" }),
            ("POST", true) when path.EndsWith("/corrections", StringComparison.Ordinal) => JsonContent.Create(new[] { new { index = 0, category = "Travel" } }),
            ("POST", false) => new FormUrlEncodedContent([new(PageClient.TokenField, token), new("Name", "Taken"), new("command", "save"),
                new("index", "0"), new("category", "Travel"), new("batch", "somebatch")]),
            _ => null,
        },
    };
}
