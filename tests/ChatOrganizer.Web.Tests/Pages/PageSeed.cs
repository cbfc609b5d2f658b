using ChatOrganizer.Categorization;
using ChatOrganizer.Export;
using ChatOrganizer.Web.Jobs;
using ChatOrganizer.Web.Results;
using ChatOrganizer.Web.Storage;
using ChatOrganizer.Web.Tests.Jobs;

namespace ChatOrganizer.Web.Tests.Pages;

// Conversations stored for a seeded job as the reading step stores them, with a result when one is given.
internal static class PageSeed
{
    public const string Hostile = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";

    public static async Task StoreAsync(this ChatOrganizerApp app, string jobId, int index, Conversation conversation, string? category = null, string? failure = null, DateTime? created = null)
    {
        var at = created ?? conversation.CreateTime?.UtcDateTime;
        var stored = new StoredConversation
        {
            JobId = jobId, Index = index, ConversationId = conversation.Id, Title = conversation.Title, CreateTime = at,
            MessageCount = conversation.ActiveMessages.Count(m => !m.IsHidden), Model = "gpt-4o",
        };
        var transcript = new ConversationTranscript { JobId = jobId, Index = index, Content = TranscriptDocument.From(conversation).Compress() };
        await using (var db = app.Db())
        {
            // The read step's own writer, which also fills the search index.
            await using var transaction = await db.Database.BeginTransactionAsync();
            await ReadRowWriter.WriteAsync(db, [stored], [transcript], [], Web.Search.SearchText.Entries(jobId, index, conversation), CancellationToken.None);
            await transaction.CommitAsync();
        }
        if (category is not null || failure is not null)
        {
            await app.AddAsync(new ConversationResult
            {
                JobId = jobId, Index = index, Category = category, FailureReason = failure,
                Status = failure is null ? CategorizationStatus.Categorized : CategorizationStatus.Failed,
                Engine = CategorizationEngine.Model, Model = "gpt-4o-mini", At = DateTime.UtcNow,
            });
        }
    }

    // A done topic job of the session with four conversations: two about cooking, one about travel, one failed.
    public static async Task<Job> DoneTopicJobAsync(this ChatOrganizerApp app, string session, string? hostileTitle = null)
    {
        var job = await app.JobAsync(session, JobStatus.Done, change: j =>
        {
            j.Read = 4;
            j.Total = 4;
            j.Categorized = 3;
            j.Failed = 1;
            j.FinishedAt = DateTime.UtcNow;
        });
        await app.StoreAsync(job.Id, 0, Chat("a", hostileTitle ?? "Pasta for four"), "Cooking", created: new DateTime(2024, 1, 15, 12, 0, 0, DateTimeKind.Utc));
        await app.StoreAsync(job.Id, 1, Chat("b", "Sourdough starter"), "Cooking", created: new DateTime(2024, 3, 2, 12, 0, 0, DateTimeKind.Utc));
        await app.StoreAsync(job.Id, 2, Chat("c", "A week in Rome"), "Travel", created: new DateTime(2024, 3, 20, 12, 0, 0, DateTimeKind.Utc));
        await app.StoreAsync(job.Id, 3, Chat("d", "=HYPERLINK(\"http://evil.example\")"), failure: "The model left it out three times.", created: new DateTime(2025, 2, 1, 12, 0, 0, DateTimeKind.Utc));
        return job;
    }

    // A file kept with the job as the reading step keeps one from an export ZIP (a PNG); returns its number.
    public static async Task<int> KeptFileAsync(this ChatOrganizerApp app, string jobId, int number = 1)
    {
        var png = Testing.Exports.AttachmentExport.Png(4, 4, 0x10, 0x20, 0x30);
        var folder = Path.Combine(app.DataDirectory, "attachments", jobId);
        Directory.CreateDirectory(folder);
        await File.WriteAllBytesAsync(Path.Combine(folder, number.ToString(System.Globalization.CultureInfo.InvariantCulture)), png);
        await app.AddAsync(new JobAttachment { JobId = jobId, Number = number, ExportPath = "file-Seed1-seed.png", ContentType = "image/png", Bytes = png.Length, Width = 4, Height = 4 });
        return number;
    }

    public static Conversation Chat(string id, string title, string question = "How do I start?", string answer = "Step by step.") =>
        Testing.Conversations.ConversationBuilder.Create(id).Titled(title).User(question).Assistant(answer).Build();
}
