using System.Text.Json;
using ChatOrganizer.Results;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace ChatOrganizer.Web.Controllers;

// A job's results as CSV or JSON, and its transcripts as a ZIP of Markdown files, each written to the response as it
// is read. The owner is checked before the first byte: another session's job is not found.
[AutoValidateAntiforgeryToken]
public sealed class DownloadController(
    JobService jobs, ResultsQuery results, ConversationStore conversations, AttachmentStore attachments, IOptions<JsonOptions> json) : Controller
{
    [HttpGet("/jobs/{id}/download.csv")]
    public async Task<IActionResult> Csv(string id, CancellationToken cancellationToken)
    {
        if (await StartAsync(id, "results.csv", "text/csv; charset=utf-8", cancellationToken) is not { } job) return NotFound();
        await ResultsCsv.WriteAsync(Response.Body, results.ListConversations(job.Id).AsAsyncEnumerable().Select(c => c.ToRow()), cancellationToken);
        return new EmptyResult();
    }

    [HttpGet("/jobs/{id}/download.json")]
    public async Task<IActionResult> Json(string id, CancellationToken cancellationToken)
    {
        if (await StartAsync(id, "results.json", "application/json; charset=utf-8", cancellationToken) is not { } job) return NotFound();
        var download = new ResultsDownload(job, results.ListConversations(job.Id).AsAsyncEnumerable());
        await JsonSerializer.SerializeAsync(Response.Body, download, json.Value.JsonSerializerOptions, cancellationToken);
        return new EmptyResult();
    }

    [HttpGet("/jobs/{id}/transcripts.zip")]
    public async Task<IActionResult> Transcripts(string id, CancellationToken cancellationToken)
    {
        if (await StartAsync(id, "transcripts.zip", "application/zip", cancellationToken) is not { } job) return NotFound();
        await TranscriptArchive.WriteAsync(
            Response.BodyWriter, job.Mode, conversations.ReadAllAsync(HttpContext.SessionId(), job.Id, cancellationToken),
            number => attachments.OpenRead(job.Id, number), cancellationToken);
        return new EmptyResult();
    }

    // Returns The job, with the response's headers set; null when the job is not this session's.
    private async Task<JobProgress?> StartAsync(string id, string suffix, string contentType, CancellationToken cancellationToken)
    {
        var job = await jobs.GetProgressAsync(HttpContext.SessionId(), id, cancellationToken);
        if (job is null) return null;

        var name = $"{SafeName.Of(Path.GetFileNameWithoutExtension(job.FileName), 60, "chatgpt")}-{suffix}";
        Response.ContentType = contentType;
        Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileName = name, FileNameStar = name }.ToString();
        return job;
    }
}

// What download.json holds: the job as the API describes it, then every conversation with its result.
public sealed record ResultsDownload(JobProgress Job, IAsyncEnumerable<ResultConversation> Conversations);
