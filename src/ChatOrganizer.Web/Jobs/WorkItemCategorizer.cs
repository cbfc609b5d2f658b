using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Storage;

namespace ChatOrganizer.Web.Jobs;

// INTERIM until the categorization engine (issue 3) lands on main: this is the one class that adapts it
// (digests while reading; BatchCategorizer per work item, results and counters stored batch by batch).

/// <summary>The digest the categorizer reads, built once while reading so work items never re-read the upload.</summary>
internal static class ConversationDigests
{
    public static (string Title, string Text, int Tokens, string Hash)? For(Conversation conversation) => null;
}

/// <summary>Categorizes a work item's conversations that have no result yet; false when the job stopped meanwhile.</summary>
public sealed class WorkItemCategorizer
{
    public Task<bool> RunAsync(string jobId, WorkItem item, CancellationToken cancellationToken) =>
        throw new CategorizationStoppedException("Categorizing by topic is not available yet on this server.");

    internal static CategorizationEngine Engine => CategorizationEngine.Offline;
}
