using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

// Log: The log's first page; the page's script fetches what comes after JobLogPage.Next.
// FailedConversations: The first conversations that could not be categorized, with their reasons.
// Estimate: For a job waiting to be started: what categorizing it would send and cost.
public sealed record JobPage(JobProgress Job, JobLogPage Log, IReadOnlyList<ResultConversation> FailedConversations, JobEstimate? Estimate)
{
    public const int FailedShown = 10;

    public bool HasEnded => Display.HasEnded(Job.Status);

    // Nothing changes by itself once a job has ended or while it waits for the person: no polling, no refresh.
    public bool ChangesByItself => !HasEnded && Job.Status != Storage.JobStatus.AwaitingStart;

    // Topic jobs read, then categorize: the bar restarts for the second step, so the page says which step it shows.
    public string Step => (Job.Mode, Job.Status) switch
    {
        (_, Storage.JobStatus.Queued) => "Waiting for a worker",
        (Storage.JobMode.Topic, Storage.JobStatus.Reading) => "Step 1 of 2: reading the export",
        (_, Storage.JobStatus.AwaitingStart) => "Read. Check the estimate, then start",
        (Storage.JobMode.Topic, _) when !HasEnded => "Step 2 of 2: categorizing",
        (_, Storage.JobStatus.Reading) => "Reading the export",
        (Storage.JobMode.Discover, Storage.JobStatus.Done) => $"{Display.Count(Job.Categorized)} conversations under the topics found",
        (Storage.JobMode.Topic, Storage.JobStatus.Done) => $"{Display.Count(Job.Categorized)} categorized, {Display.Count(Job.Failed)} failed",
        (_, Storage.JobStatus.Done) => $"{Display.Plural(Job.Read, "conversation", "conversations")} grouped {Display.Mode(Job.Mode).ToLowerInvariant()}",
        (_, Storage.JobStatus.Failed) => "Stopped before the end",
        (_, Storage.JobStatus.Cancelled) => "Stopped on your request",
        _ => Display.Status(Job.Status),
    };
}

// Deleted: A job was just deleted: say so.
public sealed record JobListPage(IReadOnlyList<JobProgress> Jobs, bool Deleted);
