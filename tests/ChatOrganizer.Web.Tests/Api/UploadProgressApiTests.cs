using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ChatOrganizer.Testing;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.AspNetCore.Mvc;

namespace ChatOrganizer.Web.Tests.Api;

// An upload named by an upload-id field is followed while it arrives: a JSON is checked from the bytes as they come
// in (not after the last one), and only the session that sends it can ask how far it got.
public sealed class UploadProgressApiTests(ChatOrganizerAppFixture fixture) : IClassFixture<ChatOrganizerAppFixture>
{
    [Fact]
    public async Task AJsonIsCheckedWhileItsUploadIsStillOpen()
    {
        var session = Guid.NewGuid().ToString("N");
        var id = NewUploadId();
        var export = ExportJson.AboutTopics(400, "Cooking", "Travel");
        var half = export.Length / 2;
        using var file = new PausedContent(export[..half], export[half..]);
        using var uploader = fixture.App.CreateSessionClient(session);
        using var watcher = fixture.App.CreateSessionClient(session);

        var posting = uploader.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(id, file, "conversations.json"));
        var seen = await Eventually.MatchesAsync(() => ProgressAsync(watcher, id), p => p is { Checked: > 0 }, TimeSpan.FromSeconds(20), p => $"at {Describe(p)}");
        file.Release();
        using var answer = await posting;

        Assert.Equal(UploadPhase.Receiving, seen!.Phase);
        Assert.InRange(seen.Received, 1, half);
        Assert.Null(seen.Total);
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Null(await ProgressAsync(watcher, id));
    }

    [Fact]
    public async Task AChatHtmlWhoseCheckEndsAtItsDataIsStillStoredWholeAndRead()
    {
        // The check stops at the end of the jsonData array; the page after it (here 3 MB) must still reach the file.
        var conversations = Encoding.UTF8.GetString(ExportJson.AboutTopics(20, "Cooking"));
        var html = Encoding.UTF8.GetBytes($"<html><body><script>var jsonData = {conversations};</script>{new string('p', 3 * 1024 * 1024)}</body></html>");
        using var file = new PausedContent(html[..(2 * 1024 * 1024)], html[(2 * 1024 * 1024)..]);
        using var client = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));

        var posting = client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(NewUploadId(), file, "chat.html"));
        await Task.Delay(500);
        file.Release();
        using var answer = await posting;
        var job = await answer.Content.ReadFromJsonAsync<JobProgress>(JobApi.Json);
        var done = await client.WaitUntilEndedAsync(job!.Id);

        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(html.Length, job.UploadBytes);
        Assert.Equal((JobStatus.Done, 20), (done.Status, done.Read));
    }

    [Fact]
    public async Task AZipIsCheckedOnlyOnceItIsAllInForItsDirectoryIsAtItsEnd()
    {
        var session = Guid.NewGuid().ToString("N");
        var id = NewUploadId();
        var zip = ZipOf(ExportJson.AboutTopics(200, "Cooking", "Travel"));
        var half = zip.Length / 2;
        using var file = new PausedContent(zip[..half], zip[half..]);
        using var uploader = fixture.App.CreateSessionClient(session);
        using var watcher = fixture.App.CreateSessionClient(session);

        var posting = uploader.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(id, file, "export.zip"));
        await Eventually.MatchesAsync(() => ProgressAsync(watcher, id), p => p is { Received: > 0 }, TimeSpan.FromSeconds(20), p => $"at {Describe(p)}");
        // Time a JSON's check would take to see its first bytes many times over.
        await Task.Delay(300);
        var later = await ProgressAsync(watcher, id);
        file.Release();
        using var answer = await posting;
        var job = await answer.Content.ReadFromJsonAsync<JobProgress>(JobApi.Json);

        Assert.Equal((UploadPhase.Receiving, 0L), (later!.Phase, later.Checked));
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
        Assert.Equal(zip.Length, job!.UploadBytes);
    }

    [Fact]
    public async Task ABrokenJsonIsRefusedBeforeItsUploadEndsAndLeavesNoFile()
    {
        // Past the 1 MB the reader takes at a time, so the check gets to the nonsense with the upload still open.
        var broken = Encoding.UTF8.GetBytes($"[{ExportJson.Conversation("c1", "Fine").ToJsonString()}, nonsense" + new string(' ', 3 * 1024 * 1024));
        using var file = new PausedContent(broken, Encoding.UTF8.GetBytes("]"));
        using var client = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));

        try
        {
            var posting = client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(NewUploadId(), file, "conversations.json"));
            var first = await Task.WhenAny(posting, Task.Delay(TimeSpan.FromSeconds(30)));

            Assert.True(first == posting, "No answer while the upload was open: the check waited for the last byte.");
            using var answer = await posting;
            var problem = await answer.Content.ReadFromJsonAsync<ProblemDetails>(JobApi.Json);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, answer.StatusCode);
            Assert.Contains("This is not a ChatGPT export this server can read", problem!.Title, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFiles(Path.Combine(fixture.App.DataDirectory, "uploads"), "incoming-*"));
        }
        finally
        {
            file.Release();
        }
    }

    [Fact]
    public async Task OnlyTheSessionSendingTheUploadCanFollowIt()
    {
        var owner = Guid.NewGuid().ToString("N");
        var id = NewUploadId();
        var export = ExportJson.AboutTopics(50, "Cooking");
        using var file = new PausedContent(export[..100], export[100..]);
        using var uploader = fixture.App.CreateSessionClient(owner);
        using var ownerWatching = fixture.App.CreateSessionClient(owner);
        using var stranger = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));

        var posting = uploader.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(id, file, "conversations.json"));
        try
        {
            await Eventually.MatchesAsync(() => ProgressAsync(ownerWatching, id), p => p is not null, TimeSpan.FromSeconds(20), _ => "not yet tracked");

            using var strangers = await stranger.GetAsync(new Uri($"/api/uploads/{id}/progress", UriKind.Relative));
            using var malformed = await ownerWatching.GetAsync(new Uri($"/api/uploads/{id}!/progress", UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, strangers.StatusCode);
            Assert.Equal("application/problem+json", strangers.Content.Headers.ContentType?.MediaType);
            Assert.Equal(HttpStatusCode.NotFound, malformed.StatusCode);
        }
        finally
        {
            file.Release();
        }
        using var answer = await posting;
        Assert.Equal(HttpStatusCode.Accepted, answer.StatusCode);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("has spaces in it, sixteen+")]
    [InlineData("../../../../etc/passwd-0123456789")]
    public async Task AMalformedUploadIdIsRefusedWithASentence(string id)
    {
        using var client = fixture.App.CreateSessionClient(Guid.NewGuid().ToString("N"));
        using var file = new ByteArrayContent(ExportJson.AboutTopics(2, "Cooking"));

        using var answer = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), Form(id, file, "conversations.json"));
        var problem = await answer.Content.ReadFromJsonAsync<ProblemDetails>(JobApi.Json);

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("\"upload-id\" must be 16 to 64 letters", problem!.Title, StringComparison.Ordinal);
    }

    private static byte[] ZipOf(byte[] conversations)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = zip.CreateEntry("conversations.json").Open();
            entry.Write(conversations);
        }
        return buffer.ToArray();
    }

    private static string NewUploadId() => Convert.ToHexString(Guid.NewGuid().ToByteArray());

    private static MultipartFormDataContent Form(string uploadId, HttpContent file, string fileName)
    {
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return new MultipartFormDataContent { { new StringContent(uploadId), UploadProgressRegistry.Field }, { file, "file", fileName }, { new StringContent("month"), "mode" } };
    }

    private static async Task<UploadProgressReport?> ProgressAsync(HttpClient client, string id)
    {
        using var response = await client.GetAsync(new Uri($"/api/uploads/{id}/progress", UriKind.Relative));
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<UploadProgressReport>(JobApi.Json);
    }

    private static string Describe(UploadProgressReport? progress) => progress is null ? "404" : JsonSerializer.Serialize(progress, JobApi.Json);

    // A file sent in two parts, the second only once the test releases it: the server sees the upload open between.
    private sealed class PausedContent(byte[] first, byte[] rest) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            await _released.Task;
            await stream.WriteAsync(rest);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
