using System.Net;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Web.Controllers.Api;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Tests.Api;

public sealed class JobsApiTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private static readonly byte[] Export = ExportJson.AboutTopics(3, "cooking");

    [Fact]
    public async Task PostingAnExportAnswers202WithTheJobALocationAndAnUnguessableId()
    {
        using var client = fixture.App.CreateClient();
        using var form = JobApi.Form(Export, "month");

        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), form);
        var job = await response.Content.ReadFromJsonAsync<JobProgress>(JobApi.Json);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.NotNull(job);
        Assert.Matches("^[A-Za-z0-9_-]{22}$", job.Id);
        Assert.Equal($"/api/jobs/{job.Id}", response.Headers.Location?.AbsolutePath);
        Assert.Equal($"/api/jobs/{job.Id}/log", job.Links.Log);
        Assert.Equal("conversations.json", job.FileName);
        Assert.Equal(Export.Length, job.UploadBytes);
    }

    [Fact]
    public async Task AFormWithoutAFileIsRefusedWithASentence()
    {
        using var client = fixture.App.CreateClient();
        using var form = new MultipartFormDataContent { { new StringContent("month"), "mode" } };

        var problem = await PostProblemAsync(client, form, HttpStatusCode.BadRequest);

        Assert.Contains("field named \"file\"", problem.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ABodyThatIsNotAFormIsRefusedWith415()
    {
        using var client = fixture.App.CreateClient();
        using var body = new ByteArrayContent(Export);

        var problem = await PostProblemAsync(client, body, HttpStatusCode.UnsupportedMediaType);

        Assert.Contains("multipart/form-data", problem.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownModeIsRefusedNamingTheChoices()
    {
        using var client = fixture.App.CreateClient();
        using var form = JobApi.Form(Export, "weekly");

        var problem = await PostProblemAsync(client, form, HttpStatusCode.BadRequest);

        Assert.Equal("\"weekly\" is not a mode: choose topic, month, year or discover.", problem.Title);
    }

    [Fact]
    public async Task AnUnknownCategorySetIsRefused()
    {
        using var client = fixture.App.CreateClient();
        using var form = JobApi.Form(Export, "topic", categorySetId: "nope");

        var problem = await PostProblemAsync(client, form, HttpStatusCode.BadRequest);

        Assert.Contains("no category set \"nope\"", problem.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnExpiredOrForgedKeyTokenIsAnswered401AskingForTheKeyAgain()
    {
        using var client = fixture.App.CreateClient();
        using var form = JobApi.Form(Export, "month");
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/jobs", UriKind.Relative)) { Content = form };
        request.Headers.Add(JobsController.KeyTokenHeader, "forged");

        using var response = await client.SendAsync(request);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("enter it again", problem?.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLogIsReadIncrementallyWithItsCursor()
    {
        using var client = fixture.App.CreateClient();
        var job = await client.UploadAsync(Export, "month");

        var first = await client.LogAsync(job.Id);
        var again = await client.LogAsync(job.Id, after: first.Entries[0].Sequence);
        var fromTheEnd = await client.LogAsync(job.Id, after: long.MaxValue);

        Assert.StartsWith("Received conversations.json", first.Entries[0].Message, StringComparison.Ordinal);
        Assert.Equal(first.Entries[^1].Sequence, first.Next);
        Assert.DoesNotContain(again.Entries, e => e.Sequence <= first.Entries[0].Sequence);
        Assert.Empty(fromTheEnd.Entries);
        Assert.Equal(long.MaxValue, fromTheEnd.Next);
    }

    [Fact]
    public async Task DeletingAJobRemovesItAndItsUploadAtOnce()
    {
        using var client = fixture.App.CreateClient();
        var job = await client.UploadAsync(Export, "month");

        using var deleted = await client.DeleteAsync(new Uri($"/api/jobs/{job.Id}", UriKind.Relative));
        using var after = await client.GetAsync(new Uri($"/api/jobs/{job.Id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
        Assert.False(File.Exists(Path.Combine(fixture.App.DataDirectory, "uploads", job.Id)));
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheJobsApi()
    {
        using var client = fixture.App.CreateClient();

        var document = await client.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative));

        foreach (var path in new[] { "\"/api/jobs\"", "\"/api/jobs/{id}\"", "\"/api/jobs/{id}/log\"", "\"/api/jobs/{id}/results\"", "\"/api/jobs/{id}/cancel\"", "\"/api/category-sets/{id}\"" })
        {
            Assert.Contains(path, document, StringComparison.Ordinal);
        }
        Assert.Contains("multipart/form-data", document, StringComparison.Ordinal);
        Assert.Contains(JobsController.KeyTokenHeader, document, StringComparison.Ordinal);
    }

    private static async Task<ProblemDetails> PostProblemAsync(HttpClient client, HttpContent content, HttpStatusCode expected)
    {
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<ProblemDetails>())!;
    }
}

public sealed class UploadLimitTests : IDisposable
{
    private readonly ChatOrganizerApp _app = new ChatOrganizerApp().With("Jobs:MaxUploadBytes", "4096");

    [Fact]
    public async Task AnUploadOverTheLimitIsRefusedWith413AndLeavesNothingBehind()
    {
        using var client = _app.CreateClient();
        // A chunked body: no Content-Length, so the limit can only be enforced while streaming.
        using var form = new MultipartFormDataContent { { new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(new string('x', 10_000)))), "file", "big.json" } };
        form.Headers.ContentLength = null;

        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), form);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("The upload is larger than the 4 KB this server accepts.", problem?.Title);
        Assert.Empty(Directory.GetFiles(Path.Combine(_app.DataDirectory, "uploads")));
    }

    public void Dispose() => _app.Dispose();
}
