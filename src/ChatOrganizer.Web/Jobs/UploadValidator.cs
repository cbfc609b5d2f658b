using ChatOrganizer.Export;
using Microsoft.Extensions.Options;

namespace ChatOrganizer.Web.Jobs;

// Refuses a broken or hostile export while its sender still waits, with the reader's sentence saying
// where, instead of a job discovering it later: one scan of the spooled file that builds nothing
// (ZIP limits, JSON syntax and nesting, string and conversation sizes, UTF-8, truncation).
public sealed class UploadValidator(IOptions<ExportReaderOptions> options)
{
    private const int ProblemsNamed = 3;

    // Throws RequestRejectedException 422 with what is wrong and where.
    public async Task<ExportCheck> CheckAsync(ReceivedUpload upload, CancellationToken cancellationToken)
    {
        ExportCheck check;
        try
        {
            await using var file = new FileStream(upload.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await using var reader = await ExportReader.OpenAsync(file, upload.FileName, options.Value, cancellationToken);
            check = await reader.CheckAsync(cancellationToken);
        }
        catch (ExportFormatException e)
        {
            throw Unreadable($"This is not a ChatGPT export this server can read: {e.Message}");
        }

        if (check.LimitsBroken.Count > 0)
        {
            var named = string.Join(" ", check.LimitsBroken.Take(ProblemsNamed).Select(d => $"Conversation #{d.Index} in {d.File}: {d.Reason}"));
            var more = check.LimitsBroken.Count > ProblemsNamed ? $" And {check.LimitsBroken.Count - ProblemsNamed} more." : "";
            throw Unreadable($"The export breaks this server's limits, so nothing was stored. {named}{more}");
        }
        if (check.Conversations == 0)
        {
            throw Unreadable(check.NotConversations > 0
                ? $"The file is a JSON array, but none of its {check.NotConversations} items is a conversation (a JSON object)."
                : "The export holds no conversations, so there is nothing to organize.");
        }
        return check;
    }

    private static RequestRejectedException Unreadable(string message) => new(StatusCodes.Status422UnprocessableEntity, message);
}

// The reader's limits from the Export section; every bad one is reported at start with what is allowed.
internal sealed class ExportReaderOptionsValidator : IValidateOptions<ExportReaderOptions>
{
    public const string Section = "Export";

    public ValidateOptionsResult Validate(string? name, ExportReaderOptions options)
    {
        var problems = options.Validate();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems.Select(p => $"{Section}:{p}"));
    }
}
