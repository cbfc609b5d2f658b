using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using ChatOrganizer.Testing.Exports;
using ChatOrganizer.Testing.FakeOpenAi;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;
using Microsoft.AspNetCore.Mvc;
using Xunit.Abstractions;

namespace ChatOrganizer.Web.Tests.Security;

// Malformed and malicious uploads, each refused with a 4xx and a sentence a person understands, leaving no file
// behind, while the server stays healthy and another person's job, running all along, finishes untouched. One case a
// test, so one failure does not hide the rest; one server for them all, as a real one would see them.
public sealed class HostileUploadTests(HostileUploadTests.Server server, ITestOutputHelper output) : IClassFixture<HostileUploadTests.Server>
{
    private const int MaxUploadMegabytes = 120;

    public static TheoryData<string> CaseNames()
    {
        var names = new TheoryData<string>();
        foreach (var hostile in Cases()) names.Add(hostile.Name);
        return names;
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public async Task AHostileUploadIsRefusedWithASentenceAndLeavesNothingBehind(string name)
    {
        var hostile = Cases().Single(c => c.Name == name);
        using var attacker = server.App.CreateClient();

        var (status, title, body) = await SendAsync(attacker, hostile);
        using var health = await attacker.GetAsync(new Uri("/health", UriKind.Relative));

        output.WriteLine($"{hostile.Name}: {(int)status} \"{title}\"");
        Assert.True(status == hostile.Status, $"answered {(int)status}, not {(int)hostile.Status}: {body}");
        Assert.True(title?.Contains(hostile.Says, StringComparison.Ordinal) == true, $"said \"{title ?? body}\", not \"...{hostile.Says}...\"");
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(server.App.DataDirectory, "uploads"), "incoming-*"));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Empty(await attacker.GetFromJsonAsync<List<JobProgress>>(new Uri("/api/jobs", UriKind.Relative), JobApi.Json) ?? []);
    }

    [Fact]
    public async Task AnotherPersonsJobFinishesUntouchedWhileEveryHostileUploadArrives()
    {
        using var victim = server.App.CreateClient();
        var running = await victim.UploadAsync(ExportJson.AboutTopics(40, "Cooking", "Travel"), "topic");
        using var attacker = server.App.CreateClient();

        var answers = new List<HttpStatusCode>();
        foreach (var hostile in Cases()) answers.Add((await SendAsync(attacker, hostile)).Status);

        Assert.All(answers, status => Assert.InRange((int)status, 400, 499));
        var finished = await victim.WaitUntilEndedAsync(running.Id, TimeSpan.FromMinutes(2));
        Assert.Equal((JobStatus.Done, 40, 40, 0), (finished.Status, finished.Total, finished.Categorized, finished.Failed));
    }

    [Fact]
    public void TheCasesCoverAtLeastThirtyWaysToBreakAnUpload() => Assert.True(Cases().Count() >= 30, $"only {Cases().Count()} cases");

    private static async Task<(HttpStatusCode Status, string? Title, string Body)> SendAsync(HttpClient client, Hostile hostile)
    {
        using var content = hostile.Content();
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        var title = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            ? System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(body, JobApi.Json)!.Title
            : null;
        return (response.StatusCode, title, body);
    }

    private sealed record Hostile(string Name, HttpStatusCode Status, string Says, Func<HttpContent> Content);

    private static IEnumerable<Hostile> Cases()
    {
        const HttpStatusCode Unreadable = HttpStatusCode.UnprocessableEntity;
        var conversation = ExportJson.Conversation("c1", "Fine").ToJsonString();

        // Not JSON, or not the JSON of an export.
        yield return Json("an empty file", "", HttpStatusCode.BadRequest, "The uploaded file is empty.");
        yield return Json("only whitespace", "  \n\t ", Unreadable, "is empty");
        yield return Json("an array cut off between conversations", $"[{conversation},", Unreadable, "the file is truncated");
        yield return Json("a conversation cut off inside a string", $"[{conversation[..40]}", Unreadable, "the file is truncated");
        yield return Json("an object instead of an array", "{\"conversations\": []}", Unreadable, "holds a JSON object");
        yield return Json("a bare string", "\"hello\"", Unreadable, "where a JSON array '[' should begin");
        yield return Json("a bare number", "42", Unreadable, "where a JSON array '[' should begin");
        yield return Json("an array of numbers", "[1, 2, 3]", Unreadable, "none of its 3 items is a conversation");
        yield return Json("an empty array", "[]", Unreadable, "holds no conversations");
        yield return Json("two conversations without a comma", $"[{conversation} {conversation}]", Unreadable, "where ',' or ']' should follow");
        yield return Json("a raw control character in a title", "[{\"title\": \"a\u0001b\"}]", Unreadable, "is not valid JSON");
        yield return Bytes("invalid UTF-8", "conversations.json", [.. "[{\"title\": \""u8, 0xC3, 0x28, .. "\"}]"u8], Unreadable, "UTF-8");
        yield return Bytes("UTF-16 text", "conversations.json", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes($"[{conversation}]")).ToArray(), Unreadable, "UTF-16");
        yield return Bytes("random binary", "conversations.json", RandomBytes(64 * 1024), Unreadable, "not a ChatGPT export this server can read");
        yield return Bytes("a PNG named .json", "conversations.json", [0x89, .. "PNG\r\n\u001a\n"u8, .. RandomBytes(2048)], Unreadable, "not a ChatGPT export this server can read");

        // Built to exhaust memory, stack or time.
        yield return Json("100,000 nested arrays", new string('[', 100_000) + new string(']', 100_000), Unreadable, "deeper than 64 levels");
        yield return Json("deep nesting inside a conversation",
            "[" + conversation.Replace("\"current_node\"", $"\"x\":{new string('[', 5_000)}{new string(']', 5_000)},\"current_node\"", StringComparison.Ordinal) + "]",
            Unreadable, "deeper than 64 levels");
        yield return Generated("a 100 MB title", "conversations.json", "[{\"title\": \"", 'A', 100L * 1024 * 1024, "\"}]", Unreadable, "larger than 67,108,864 bytes");
        yield return Generated("a 20 MB message", "conversations.json", "[{\"title\": \"long\", \"x\": \"", 'B', 20L * 1024 * 1024, "\"}]", Unreadable, "string longer than 16,777,216 bytes");
        yield return Generated("an upload over the size limit", "conversations.json", "[", ' ', (MaxUploadMegabytes + 1) * 1024L * 1024, "]",
            HttpStatusCode.RequestEntityTooLarge, $"larger than the {MaxUploadMegabytes} MB this server accepts");

        // Hostile ZIPs.
        yield return Zip("a zip bomb", [("conversations.json", new byte[50 * 1024 * 1024])], Unreadable, "looks like a zip bomb");
        yield return Zip("an entry climbing out with ../", [("../../etc/conversations.json", $"[{conversation}]")], Unreadable, "points outside the export");
        yield return Zip("an absolute entry path", [("/etc/conversations.json", $"[{conversation}]")], Unreadable, "points outside the export");
        yield return Zip("a Windows drive path", [("C:/Windows/conversations.json", $"[{conversation}]")], Unreadable, "points outside the export");
        yield return Zip("more entries than allowed", [.. Enumerable.Range(0, 300).Select(i => ($"file-{i}.txt", "x"))], Unreadable, "entries, more than 200");
        yield return Zip("a ZIP with no conversations in it", [("user.json", "{}"), ("notes.txt", "hello")], Unreadable, "not a ChatGPT export");
        yield return Zip("a ZIP whose conversations.json is binary", [("conversations.json", RandomBytes(4096))], Unreadable, "conversations.json");
        yield return Zip("chat.html without its data", [("chat.html", "<html><script>var other = 1;</script></html>")], Unreadable, "holds no 'jsonData' array");
        yield return Bytes("a ZIP cut in half", "export.zip", HalfOf(ZipBytes([("conversations.json", $"[{conversation}]")])), Unreadable, "not a readable ZIP file");
        yield return Bytes("a PDF named .zip", "export.zip", [.. "%PDF-1.7\n"u8, .. RandomBytes(4096)], Unreadable, "named like a ZIP file but is not one");

        // Not an upload this server takes.
        yield return Bytes("a program", "export.exe", [.. "MZ"u8, .. RandomBytes(1024)], HttpStatusCode.UnsupportedMediaType, "is not an export");
        yield return Bytes("a file without an extension", "conversations", Encoding.UTF8.GetBytes($"[{conversation}]"), HttpStatusCode.UnsupportedMediaType, "is not an export");
        yield return new("a JSON body instead of a form", HttpStatusCode.UnsupportedMediaType, "multipart/form-data",
            () => new StringContent($"[{conversation}]", Encoding.UTF8, "application/json"));
        yield return new("a form without a file", HttpStatusCode.BadRequest, "field named \"file\"",
            () => new MultipartFormDataContent { { new StringContent("topic"), "mode" } });
        yield return new("two files in one form", HttpStatusCode.BadRequest, "one export per job", () =>
        {
            var form = new MultipartFormDataContent();
            form.Add(new StringContent($"[{conversation}]"), "file", "a.json");
            form.Add(new StringContent($"[{conversation}]"), "file", "b.json");
            return form;
        });
        yield return new("a field of 10,000 characters", HttpStatusCode.BadRequest, "longer than 1024 characters", () =>
            new MultipartFormDataContent { { new StringContent(new string('m', 10_000)), "model" } });
        yield return new("a hundred form fields", HttpStatusCode.BadRequest, "more than 32 fields", () =>
        {
            var form = new MultipartFormDataContent();
            for (var i = 0; i < 100; i++) form.Add(new StringContent("x"), $"field{i}");
            return form;
        });
    }

    private static Hostile Json(string name, string json, HttpStatusCode status, string says) =>
        Bytes(name, "conversations.json", Encoding.UTF8.GetBytes(json), status, says);

    private static Hostile Bytes(string name, string fileName, byte[] bytes, HttpStatusCode status, string says) =>
        new(name, status, says, () => Form(new ByteArrayContent(bytes), fileName));

    private static Hostile Generated(string name, string fileName, string prefix, char fill, long count, string suffix, HttpStatusCode status, string says) =>
        new(name, status, says, () => Form(new GeneratedContent(prefix, fill, count, suffix), fileName));

    // Built when sent, not when listed: the zip bomb's 50 MB are compressed only for the test that sends it.
    private static Hostile Zip(string name, (string Entry, object Content)[] entries, HttpStatusCode status, string says) =>
        new(name, status, says, () => Form(new ByteArrayContent(ZipBytes(entries)), "export.zip"));

    private static byte[] ZipBytes((string Entry, object Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (entry, content) in entries)
            {
                using var stream = zip.CreateEntry(entry, CompressionLevel.SmallestSize).Open();
                stream.Write(content is string text ? Encoding.UTF8.GetBytes(text) : (byte[])content);
            }
        }
        return buffer.ToArray();
    }

    private static MultipartFormDataContent Form(HttpContent file, string fileName)
    {
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return new MultipartFormDataContent { { file, "file", fileName }, { new StringContent("month"), "mode" } };
    }

    private static byte[] HalfOf(byte[] bytes) => bytes[..(bytes.Length / 2)];

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }

    // A body of any size written as it is sent, never held in memory; no length, so the server sees it chunked.
    private sealed class GeneratedContent(string prefix, char fill, long count, string suffix) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(prefix));
            var chunk = Encoding.UTF8.GetBytes(new string(fill, 64 * 1024));
            for (var left = count; left > 0; left -= chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
            await stream.WriteAsync(Encoding.UTF8.GetBytes(suffix));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    public sealed class Server : IAsyncLifetime
    {
        private FakeOpenAiServer _fake = null!;

        public ChatOrganizerApp App { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            _fake = await FakeOpenAiServer.StartAsync();
            _fake.Latency = TimeSpan.FromMilliseconds(400);
            App = new ChatOrganizerApp()
                .With("Categorization:ApiKey", "sk-server")
                .With("Categorization:BaseUrl", _fake.BaseUrl.ToString())
                .With("Categorization:BatchSize", "5")
                .With("Categorization:MaxConcurrency", "1")
                .With("Jobs:MaxUploadBytes", (MaxUploadMegabytes * 1024L * 1024).ToString(System.Globalization.CultureInfo.InvariantCulture))
                .With("Export:MaxZipEntries", "200")
                // The limiter has tests of its own; here every hostile upload must reach the checks.
                .With("RateLimits:Uploads:PermitLimit", "1000")
                .With("RateLimits:Uploads:AddressPermitLimit", "1000")
                .With("RateLimits:Polling:PermitLimit", "100000")
                .With("RateLimits:Polling:AddressPermitLimit", "100000");
        }

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            await _fake.DisposeAsync();
        }
    }
}
