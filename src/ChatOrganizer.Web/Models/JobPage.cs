using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;

namespace ChatOrganizer.Web.Models;

/// <param name="Log">The log's first page; the page's script fetches what comes after <see cref="JobLogPage.Next"/>.</param>
/// <param name="FailedConversations">The first conversations that could not be categorized, with their reasons.</param>
/// <param name="Estimate">For a job waiting to be started: what categorizing it would send and cost.</param>
public sealed record JobPage(JobProgress Job, JobLogPage Log, IReadOnlyList<ResultConversation> FailedConversations, JobEstimate? Estimate)
{
    public const int FailedShown = 10;

    public bool HasEnded => Display.HasEnded(Job.Status);

    /// <summary>Nothing changes by itself once a job has ended or while it waits for the person: no polling, no refresh.</summary>
    public bool ChangesByItself => !HasEnded && Job.Status != Storage.JobStatus.AwaitingStart;

    /// <summary>Topic jobs read, then categorize: the bar restarts for the second step, so the page says which step it shows.</summary>
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

/// <param name="Deleted">A job was just deleted: say so.</param>
public sealed record JobListPage(IReadOnlyList<JobProgress> Jobs, bool Deleted);
