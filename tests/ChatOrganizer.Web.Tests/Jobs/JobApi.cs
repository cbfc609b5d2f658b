using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Tests.Jobs;

/// <summary>What a script does with the JSON API: upload, poll, read.</summary>
public static class JobApi
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) } };

    public static MultipartFormDataContent Form(byte[] export, string mode = "topic", string fileName = "conversations.json", string? categorySetId = null, string? model = null)
    {
        var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(export);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        form.Add(file, "file", fileName);
        form.Add(new StringContent(mode), "mode");
        if (categorySetId is not null) form.Add(new StringContent(categorySetId), "categorySetId");
        if (model is not null) form.Add(new StringContent(model), "model");
        return form;
    }

    public static async Task<JobProgress> UploadAsync(this HttpClient client, byte[] export, string mode = "topic", string? categorySetId = null, string? model = null)
    {
        using var form = Form(export, mode, categorySetId: categorySetId, model: model);
        using var response = await client.PostAsync(new Uri("/api/jobs", UriKind.Relative), form);
        if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"Upload answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }
        return (await response.Content.ReadFromJsonAsync<JobProgress>(Json))!;
    }

    public static async Task<JobProgress> ProgressAsync(this HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JobProgress>(new Uri($"/api/jobs/{jobId}", UriKind.Relative), Json))!;

    /// <summary>Polls until the job has ended (done, failed, cancelled) or the time is up.</summary>
    public static async Task<JobProgress> WaitUntilEndedAsync(this HttpClient client, string jobId, TimeSpan? timeout = null) =>
        await client.WaitUntilAsync(jobId, p => p.Status is JobStatus.Done or JobStatus.Failed or JobStatus.Cancelled, timeout);

    public static async Task<JobProgress> WaitUntilAsync(this HttpClient client, string jobId, Func<JobProgress, bool> condition, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var progress = await client.ProgressAsync(jobId);
            if (condition(progress)) return progress;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} is still {progress.Status}: {JsonSerializer.Serialize(progress, Json)}");
            await Task.Delay(100);
        }
    }

    public static async Task<JobLogPage> LogAsync(this HttpClient client, string jobId, long after = 0) =>
        (await client.GetFromJsonAsync<JobLogPage>(new Uri($"/api/jobs/{jobId}/log?after={after}", UriKind.Relative), Json))!;
}
