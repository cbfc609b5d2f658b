using System.Net;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.EntityFrameworkCore;

namespace ChatOrganizer.Web.Tests.Pages;

public sealed class UploadPageTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    private static readonly byte[] Export = ExportJson.AboutTopics(3, "cooking");

    [Fact]
    public async Task EveryPageNamesTheFaviconAndItIsServedAsAnImage()
    {
        using var client = fixture.App.CreateClient();

        var html = await client.PageAsync("/");
        using var icon = await client.GetAsync(new Uri("/favicon.svg", UriKind.Relative));

        Assert.Contains("<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, icon.StatusCode);
        Assert.Equal("image/svg+xml", icon.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheUploadPageOffersTheModesTheSetsTheKeyFieldAndTheSizeLimit()
    {
        using var client = fixture.App.CreateClient();

        var html = await client.PageAsync("/");

        Assert.Contains("name=\"file\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"topic\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"month\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"year\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"default\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"apiKey\"", html, StringComparison.Ordinal);
        Assert.Contains("never stored in clear", html, StringComparison.Ordinal);
        Assert.Contains("Up to 2 GB", html, StringComparison.Ordinal);
        Assert.True(html.IndexOf(PageClient.TokenField, StringComparison.Ordinal) < html.IndexOf("name=\"file\"", StringComparison.Ordinal),
            "The antiforgery token must come before the file in the form.");
        var uploadId = html.IndexOf("name=\"upload-id\"", StringComparison.Ordinal);
        Assert.True(uploadId >= 0 && uploadId < html.IndexOf("name=\"file\"", StringComparison.Ordinal),
            "The upload id the script fills in must come before the file in the form, or the server sees it too late.");
    }

    [Fact]
    public async Task WhenTheServerHasAKeyThePageAsksForNone()
    {
        using var app = new ChatOrganizerApp().With("Categorization:ApiKey", "server-key");
        using var client = app.CreateClient();

        var html = await client.PageAsync("/");

        Assert.DoesNotContain("name=\"apiKey\"", html, StringComparison.Ordinal);
        Assert.Contains("its own API key", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFormStreamsTheExportIntoANewJobAndLandsOnItsPage()
    {
        using var client = fixture.App.CreateClient(new() { AllowAutoRedirect = false });

        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "month"));

        var job = await fixture.App.ReloadAsync(jobId);
        Assert.Equal((JobMode.Month, Export.Length), (job.Mode, job.UploadBytes));
        Assert.Contains("conversations.json", await client.PageAsync($"/jobs/{jobId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUploadWithoutTheTokenIsRefusedBeforeAnythingIsStored()
    {
        using var client = fixture.App.CreateClient();
        await client.PageAsync("/"); // the antiforgery cookie, but no token in the form
        var jobsBefore = await JobCountAsync();

        using var form = PageClient.UploadForm(Export, token: null, fields: ("mode", "month"));
        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Nothing was started", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(jobsBefore, await JobCountAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(fixture.App.DataDirectory, "uploads"), "incoming-*"));
    }

    [Fact]
    public async Task AnUploadWhoseTokenComesAfterTheFileIsRefused()
    {
        using var client = fixture.App.CreateClient();
        var token = await client.TokenAsync("/");

        using var form = PageClient.UploadForm(Export, token: null, fields: [(PageClient.TokenField, token), ("mode", "month")]);
        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task ATokenFromAnotherSessionIsRefused()
    {
        using var other = fixture.App.CreateClient();
        var othersToken = await other.TokenAsync("/");
        using var client = fixture.App.CreateClient();
        await client.PageAsync("/");

        using var form = PageClient.UploadForm(Export, othersToken, fields: ("mode", "month"));
        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task AFormFloodedWithFieldsBeforeTheFileIsRefused()
    {
        using var client = fixture.App.CreateClient();
        using var form = new MultipartFormDataContent();
        for (var i = 0; i < 1000; i++) form.Add(new StringContent("x"), $"field{i}");
        form.Add(new ByteArrayContent(Export), "file", "conversations.json");

        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 32 fields", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedUploadComesBackWithTheSentenceAndTheChoicesKept()
    {
        using var client = fixture.App.CreateClient();

        using var form = PageClient.UploadForm(Export, await client.TokenAsync("/"), fields: [("mode", "topic"), ("model", "bad model!")]);
        using var response = await client.PostAsync(new Uri("/jobs", UriKind.Relative), form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("The model name can only hold", html, StringComparison.Ordinal);
        Assert.Contains("value=\"bad model!\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKeyGivenInTheFormReachesTheJobOnlyEncrypted()
    {
        const string key = "sk-test-form-key-0123456789";
        // The job the key starts asks a fake on this machine, never the real endpoint.
        await using var fake = await FakeOpenAiServer.StartAsync();
        fake.RequiredApiKey = key;
        using var app = new ChatOrganizerApp().With("Categorization:ApiKey", "").With("Categorization:BaseUrl", fake.BaseUrl.ToString());
        using var client = app.CreateClient(new() { AllowAutoRedirect = false });

        var jobId = await client.UploadThroughThePageAsync(Export, ("mode", "topic"), ("apiKey", key));

        var job = await app.ReloadAsync(jobId);
        Assert.True(job.ProtectedApiKey is null || !job.ProtectedApiKey.Contains(key, StringComparison.Ordinal));
        Assert.DoesNotContain(key, await File.ReadAllTextAsync(Path.Combine(app.DataDirectory, "chatorganizer.db")), StringComparison.Ordinal);
    }

    private async Task<int> JobCountAsync()
    {
        await using var db = fixture.App.Db();
        return await db.Jobs.CountAsync();
    }
}
