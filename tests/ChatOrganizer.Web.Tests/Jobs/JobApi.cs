using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Controllers.Api;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

// What a script does with the JSON API: upload, poll, read.
public static class JobApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static MultipartFormDataContent Form(byte[] export, string mode = "topic", string fileName = "conversations.json", string? categorySetId = null, string? model = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(export);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".zip", StringComparison.OrdinalIgnoreCase) ? "application/zip" : "application/json");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(mode), "mode");
        if (categorySetId is not null) form.Add(new StringContent(categorySetId), "categorySetId");
        if (model is not null) form.Add(new StringContent(model), "model");
        return form;
    }

    // keyToken: Sent as X-Key-Token: a token from POST /api/keys.
    public static async Task<JobProgress> UploadAsync(
        this HttpClient client, byte[] export, string mode = "topic", string? categorySetId = null, string? model = null,
        string fileName = "conversations.json", string? keyToken = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/jobs", UriKind.Relative))
        {
            Content = Form(export, mode, fileName, categorySetId, model),
        };
        if (keyToken is not null) request.Headers.Add(JobsController.KeyTokenHeader, keyToken);
        using var response = await client.SendAsync(request);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<JobProgress>(Json))!;
    }

    public static async Task<JobProgress> ProgressAsync(this HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JobProgress>(new Uri($"/api/jobs/{jobId}", UriKind.Relative), Json))!;

    // Polls until the job has ended (done, failed, cancelled) or the time is up.
    // Ended, and a done month or year job prepared too (JobProgress.Prepared): tests read its stored rows directly.
    public static async Task<JobProgress> WaitUntilEndedAsync(this HttpClient client, string jobId, TimeSpan? timeout = null) =>
        await client.WaitUntilAsync(jobId, p => p.Status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled && !(p.Status == JobStatus.Done && p.Prepared < p.Read), timeout);

    public static Task<JobProgress> WaitUntilAsync(this HttpClient client, string jobId, Func<JobProgress, bool> condition, TimeSpan? timeout = null) =>
        Eventually.MatchesAsync(() => client.ProgressAsync(jobId), condition, timeout ?? Eventually.BackgroundWork,
            progress => $"job {jobId} at {JsonSerializer.Serialize(progress, Json)}");

    public static async Task<JobLogPage> LogAsync(this HttpClient client, string jobId, long after = 0) =>
        (await client.GetFromJsonAsync<JobLogPage>(new Uri($"/api/jobs/{jobId}/log?after={after}&limit={JobService.MaxLogPage}", UriKind.Relative), Json))!;

    public static async Task<JobResults> ResultsAsync(this HttpClient client, string jobId, string groupBy = "topic") =>
        (await client.GetFromJsonAsync<JobResults>(new Uri($"/api/jobs/{jobId}/results?groupBy={groupBy}", UriKind.Relative), Json))!;

    // A category set of these names in the client's session; its id.
    public static async Task<string> CreateCategorySetAsync(this HttpClient client, params string[] categories)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/api/category-sets", UriKind.Relative),
            new CategorySetInput("Test topics", [.. categories.Select(c => new CategoryInput(c))]));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CategorySetView>(Json))!.Id;
    }

    // Trades an API key for the session token POST /api/jobs takes as X-Key-Token.
    public static async Task<string> KeyTokenAsync(this HttpClient client, string apiKey)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/api/keys", UriKind.Relative), new KeyRequest(apiKey));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<KeyToken>(Json))!.Token;
    }
}
