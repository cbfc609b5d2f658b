using ChatOrganizer.Categorization;
using ChatOrganizer.Web.CategorySets;
using ChatOrganizer.Web.Controllers.Api;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Models;
using ChatOrganizer.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Controllers;

// The start page: pick an export and what to do with it. The form posts to /jobs and lands on the job's page.
[AutoValidateAntiforgeryToken]
public sealed class UploadController(
    JobService jobs,
    UploadReceiver uploads,
    CategorySetService categorySets,
    ApiKeyProtector keys,
    IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions,
    IOptions<JobOptions> jobOptions,
    IOptions<CategorizationOptions> categorization,
    BatchCategorizer categorizer) : Controller
{
    [HttpGet("/")]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) =>
        View(await PageAsync(new UploadChoices(), problem: null, cancellationToken));

    // Streams the export to disk as it arrives (no form buffering), so the automatic antiforgery check, which
    // would read the whole form first, is off here: CheckAntiforgeryAsync checks the token that
    // comes first in the form before a byte of the file is stored.
    [HttpPost("/jobs")]
    [IgnoreAntiforgeryToken]
    [RateLimit(RateLimits.Uploads)]
    [DisableRequestSizeLimit] // UploadReceiver enforces Jobs:MaxUploadBytes while streaming
    [StreamedUpload]
    public async Task<IActionResult> Upload(CancellationToken cancellationToken)
    {
        var choices = new UploadChoices();
        try
        {
            using var upload = await uploads.ReceiveAsync(Request, CheckAntiforgeryAsync, cancellationToken);
            choices = UploadChoices.From(upload.Field);
            var request = JobRequest.FromFields(upload.Field) with { EstimateFirst = choices.EstimateFirst };
            var keyToken = KeyToken(upload.Field(UploadFields.ApiKey));
            var job = await jobs.CreateAsync(HttpContext.SessionId(), upload, request, keyToken, cancellationToken);
            return RedirectToAction(nameof(JobController.Show), "Job", new { id = job.Id });
        }
        catch (AntiforgeryValidationException)
        {
            return await ProblemPageAsync(StatusCodes.Status400BadRequest, choices,
                "This form had expired or was sent from somewhere else, so nothing was uploaded. Please choose your file again.", cancellationToken);
        }
        catch (RequestRejectedException e)
        {
            return await ProblemPageAsync(e.StatusCode, choices, e.Message, cancellationToken);
        }
        catch (KeyTokenExpiredException e)
        {
            return await ProblemPageAsync(StatusCodes.Status400BadRequest, choices, e.Message, cancellationToken);
        }
    }

    private async Task CheckAntiforgeryAsync(IReadOnlyDictionary<string, string> fieldsBeforeFile)
    {
        var options = antiforgeryOptions.Value;
        // Without the header, ValidateRequestAsync would fall back to reading the form: the very buffering this avoids.
        if (options.HeaderName is not { } header || !fieldsBeforeFile.TryGetValue(options.FormFieldName, out var token) || token.Length == 0)
        {
            throw new AntiforgeryValidationException("The form's token must come before the file.");
        }
        Request.Headers[header] = token;
        await antiforgery.ValidateRequestAsync(HttpContext);
    }

    // The key from the form becomes the same short-lived session token POST /api/keys hands out; the job keeps
    // only its own encrypted copy. Nothing here writes the key anywhere.
    private string? KeyToken(string? apiKey)
    {
        if (apiKey is null) return null;
        if (!ApiKeyProtector.LooksLikeAKey(apiKey))
        {
            throw new RequestRejectedException(StatusCodes.Status400BadRequest,
                $"That does not look like an API key: it should be one word of at most {ApiKeyProtector.MaxKeyLength} characters.");
        }
        return keys.ProtectForSession(apiKey, HttpContext.SessionId()).Token;
    }

    private async Task<IActionResult> ProblemPageAsync(int status, UploadChoices choices, string problem, CancellationToken cancellationToken)
    {
        Response.StatusCode = status;
        return View(nameof(Index), await PageAsync(choices, problem, cancellationToken));
    }

    private async Task<UploadPage> PageAsync(UploadChoices choices, string? problem, CancellationToken cancellationToken)
    {
        var settings = categorization.Value;
        return new UploadPage(
            await categorySets.ListAsync(HttpContext.SessionId(), cancellationToken),
            settings.Model,
            [.. settings.Prices.Keys.Order(StringComparer.OrdinalIgnoreCase)],
            // A key, or a server on this machine that needs none (Ollama, vLLM, LM Studio).
            ServerHasKey: categorizer.EngineFor() == CategorizationEngine.Model,
            jobOptions.Value.MaxUploadBytes,
            choices,
            problem);
    }
}
