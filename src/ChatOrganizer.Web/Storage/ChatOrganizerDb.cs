using System.Diagnostics.CodeAnalysis;
using ChatOrganizer.Categorization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ChatOrganizer.Web.Storage;

// One model for SQLite and PostgreSQL. Each provider has a context of its own (SqliteChatOrganizerDb,
// PostgresChatOrganizerDb) only so that each has its own generated migrations in Migrations/.
public abstract class ChatOrganizerDb(DbContextOptions options) : DbContext(options)
{
    public DbSet<Job> Jobs => Set<Job>();
    public DbSet<JobLogEntry> JobLog => Set<JobLogEntry>();
    public DbSet<WorkItem> WorkItems => Set<WorkItem>();
    public DbSet<StoredConversation> Conversations => Set<StoredConversation>();
    public DbSet<ConversationTranscript> Transcripts => Set<ConversationTranscript>();
    public DbSet<ConversationResult> Results => Set<ConversationResult>();
    public DbSet<ConversationVector> Vectors => Set<ConversationVector>();
    public DbSet<JobAttachment> Attachments => Set<JobAttachment>();
    public DbSet<SavedCategorySet> CategorySets => Set<SavedCategorySet>();
    public DbSet<CachedCategory> CategorizationCache => Set<CachedCategory>();
    public DbSet<RememberedResponseMode> ResponseModes => Set<RememberedResponseMode>();
    public DbSet<SessionHandoff> SessionHandoffs => Set<SessionHandoff>();
    public DbSet<Correction> Corrections => Set<Correction>();
    public DbSet<SearchEntry> SearchEntries => Set<SearchEntry>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums as lower-case words: readable in the database and the same words the API uses.
        configurationBuilder.Properties<JobMode>().HaveConversion<LowerCaseEnumConverter<JobMode>>().HaveMaxLength(16);
        configurationBuilder.Properties<JobStatus>().HaveConversion<LowerCaseEnumConverter<JobStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<JobLogLevel>().HaveConversion<LowerCaseEnumConverter<JobLogLevel>>().HaveMaxLength(16);
        configurationBuilder.Properties<CategorizationStatus>().HaveConversion<LowerCaseEnumConverter<CategorizationStatus>>().HaveMaxLength(16);
        configurationBuilder.Properties<CategorizationEngine>().HaveConversion<LowerCaseEnumConverter<CategorizationEngine>>().HaveMaxLength(16);
        configurationBuilder.Properties<ConversationHistory>().HaveConversion<LowerCaseEnumConverter<ConversationHistory>>().HaveMaxLength(16);
        configurationBuilder.Properties<ResponseMode>().HaveConversion<LowerCaseEnumConverter<ResponseMode>>().HaveMaxLength(16);
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Job>(job =>
        {
            job.ToTable("jobs");
            job.HasKey(j => j.Id);
            job.Property(j => j.Id).HasMaxLength(Lengths.Id);
            job.Property(j => j.OwnerId).HasMaxLength(Lengths.OwnerId);
            job.Property(j => j.FileName).HasMaxLength(Lengths.FileName);
            job.Property(j => j.CategorySetId).HasMaxLength(Lengths.Id);
            job.Property(j => j.CategorySetName).HasMaxLength(Lengths.Name);
            job.Property(j => j.Model).HasMaxLength(Lengths.Model);
            job.Property(j => j.FailureReason).HasMaxLength(Lengths.Reason);
            job.Property(j => j.ReadLeaseOwner).HasMaxLength(Lengths.Instance);
            job.Property(j => j.ReadBackgroundJobId).HasMaxLength(Lengths.BackgroundJobId);
            job.HasIndex(j => new { j.OwnerId, j.CreatedAt });
            job.HasIndex(j => j.Status);
            job.HasIndex(j => j.ExpiresAt);
        });

        modelBuilder.Entity<JobLogEntry>(entry =>
        {
            entry.ToTable("job_log");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.JobId).HasMaxLength(Lengths.Id);
            entry.Property(e => e.Message).HasMaxLength(Lengths.LogMessage);
            entry.HasIndex(e => new { e.JobId, e.Id });
            entry.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<WorkItem>(item =>
        {
            item.ToTable("work_items");
            item.HasKey(w => new { w.JobId, w.Number });
            item.Property(w => w.JobId).HasMaxLength(Lengths.Id);
            item.Property(w => w.Instance).HasMaxLength(Lengths.Instance);
            item.Property(w => w.LastError).HasMaxLength(Lengths.Reason);
            item.Property(w => w.LeaseOwner).HasMaxLength(Lengths.Instance);
            item.Property(w => w.BackgroundJobId).HasMaxLength(Lengths.BackgroundJobId);
            item.HasOne<Job>().WithMany().HasForeignKey(w => w.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<StoredConversation>(conversation =>
        {
            conversation.ToTable("conversations");
            conversation.HasKey(c => new { c.JobId, c.Index });
            conversation.Property(c => c.JobId).HasMaxLength(Lengths.Id);
            conversation.Property(c => c.ConversationId).HasMaxLength(Lengths.ConversationId);
            conversation.Property(c => c.Title).HasMaxLength(Lengths.Title);
            conversation.Property(c => c.Model).HasMaxLength(Lengths.Model);
            conversation.Property(c => c.DigestTitle).HasMaxLength(Lengths.Title);
            conversation.Property(c => c.DigestHash).HasMaxLength(Lengths.Hash);
            conversation.Property(c => c.Snippet).HasMaxLength(Lengths.Snippet);
            conversation.Property(c => c.ContentHash).HasMaxLength(Lengths.Hash);
            conversation.Property(c => c.SourceFile).HasMaxLength(Lengths.ExportPath);
            // Re-imports look a conversation up by its id across the session's jobs.
            conversation.HasIndex(c => c.ConversationId);
            conversation.HasOne<Job>().WithMany().HasForeignKey(c => c.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationTranscript>(transcript =>
        {
            transcript.ToTable("transcripts");
            transcript.HasKey(t => new { t.JobId, t.Index });
            transcript.Property(t => t.JobId).HasMaxLength(Lengths.Id);
            transcript.HasOne<Job>().WithMany().HasForeignKey(t => t.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationVector>(vector =>
        {
            vector.ToTable("conversation_vectors");
            vector.HasKey(v => new { v.JobId, v.Index });
            vector.Property(v => v.JobId).HasMaxLength(Lengths.Id);
            vector.HasOne<Job>().WithMany().HasForeignKey(v => v.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ConversationResult>(result =>
        {
            result.ToTable("results");
            result.HasKey(r => new { r.JobId, r.Index });
            result.Property(r => r.JobId).HasMaxLength(Lengths.Id);
            result.Property(r => r.Category).HasMaxLength(Lengths.Name);
            result.Property(r => r.Model).HasMaxLength(Lengths.Model);
            result.Property(r => r.FailureReason).HasMaxLength(Lengths.Reason);
            result.Property(r => r.Reason).HasMaxLength(Lengths.Explanation);
            result.HasOne<Job>().WithMany().HasForeignKey(r => r.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<JobAttachment>(attachment =>
        {
            attachment.ToTable("attachments");
            attachment.HasKey(a => new { a.JobId, a.Number });
            attachment.Property(a => a.JobId).HasMaxLength(Lengths.Id);
            attachment.Property(a => a.ExportPath).HasMaxLength(Lengths.ExportPath);
            attachment.Property(a => a.ContentType).HasMaxLength(Lengths.ContentType);
            attachment.HasOne<Job>().WithMany().HasForeignKey(a => a.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<SavedCategorySet>(set =>
        {
            set.ToTable("category_sets");
            set.HasKey(s => s.Id);
            set.Property(s => s.Id).HasMaxLength(Lengths.Id);
            set.Property(s => s.OwnerId).HasMaxLength(Lengths.OwnerId);
            set.Property(s => s.Name).HasMaxLength(Lengths.Name);
            set.HasIndex(s => s.OwnerId);
        });

        modelBuilder.Entity<CachedCategory>(cached =>
        {
            cached.ToTable("categorization_cache");
            cached.HasKey(c => new { c.ConversationId, c.DigestHash, c.CategorySetHash, c.Model });
            cached.Property(c => c.ConversationId).HasMaxLength(Lengths.ConversationId);
            cached.Property(c => c.DigestHash).HasMaxLength(Lengths.Hash);
            cached.Property(c => c.CategorySetHash).HasMaxLength(Lengths.Hash);
            cached.Property(c => c.Model).HasMaxLength(Lengths.Model);
            cached.Property(c => c.Category).HasMaxLength(Lengths.Name);
            cached.HasIndex(c => c.CreatedAt);
        });

        modelBuilder.Entity<SearchEntry>(entry =>
        {
            entry.ToTable("search_entries");
            entry.HasKey(e => e.Id);
            entry.Property(e => e.Id).ValueGeneratedOnAdd();
            entry.Property(e => e.JobId).HasMaxLength(Lengths.Id);
            entry.Property(e => e.NodeId).HasMaxLength(Lengths.ConversationId);
            // By job, in row order: a job's first and last rows bound a search within it (SearchQuery), and deleting a job finds its rows.
            entry.HasIndex(e => new { e.JobId, e.Id });
            entry.HasOne<Job>().WithMany().HasForeignKey(e => e.JobId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<RememberedResponseMode>(mode =>
        {
            mode.ToTable("response_modes");
            mode.HasKey(m => new { m.Endpoint, m.Model });
            mode.Property(m => m.Endpoint).HasMaxLength(Lengths.Endpoint);
            mode.Property(m => m.Model).HasMaxLength(Lengths.Model);
        });

        modelBuilder.Entity<SessionHandoff>(handoff =>
        {
            handoff.ToTable("session_handoffs");
            handoff.HasKey(h => h.CodeHash);
            handoff.Property(h => h.CodeHash).HasMaxLength(Lengths.Hash);
            handoff.Property(h => h.OwnerId).HasMaxLength(Lengths.OwnerId);
            handoff.HasIndex(h => h.ExpiresAt);
        });

        modelBuilder.Entity<Correction>(correction =>
        {
            correction.ToTable("corrections");
            correction.HasKey(c => new { c.OwnerId, c.CategorySetId, c.ConversationId });
            correction.Property(c => c.OwnerId).HasMaxLength(Lengths.OwnerId);
            correction.Property(c => c.CategorySetId).HasMaxLength(Lengths.Id);
            correction.Property(c => c.ConversationId).HasMaxLength(Lengths.ConversationId);
            correction.Property(c => c.Category).HasMaxLength(Lengths.Name);
            correction.Property(c => c.PreviousCategory).HasMaxLength(Lengths.Name);
            correction.Property(c => c.Batch).HasMaxLength(Lengths.Id);
            correction.Property(c => c.DigestTitle).HasMaxLength(Lengths.Title);
            correction.HasIndex(c => new { c.OwnerId, c.Batch });
        });
    }

    // Column lengths, used by the migrations too and by code that truncates before storing.
    internal static class Lengths
    {
        public const int Id = 32;
        public const int OwnerId = 64;
        public const int FileName = 260;
        public const int Name = 200;
        public const int Model = 100;
        public const int Reason = 2000;
        public const int Explanation = 500;
        public const int LogMessage = 4000;
        public const int Instance = 200;
        public const int ConversationId = 200;
        public const int Title = 1000;
        public const int Hash = 128;
        public const int Snippet = 200;
        public const int BackgroundJobId = 64;
        public const int Endpoint = 500;
        public const int ExportPath = 1000;
        public const int ContentType = 100;

        // The text cut to fit a column of max characters, ending in marker when cut.
        [return: NotNullIfNotNull(nameof(text))]
        public static string? Fit(string? text, int max, string marker = "") => TextCut.Fit(text, max, marker);
    }

    private sealed class LowerCaseEnumConverter<TEnum>() : ValueConverter<TEnum, string>(
        value => value.ToString().ToLowerInvariant(),
        text => Enum.Parse<TEnum>(text, true))
        where TEnum : struct, Enum;

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        value => DateTime.SpecifyKind(value, DateTimeKind.Utc),
        stored => DateTime.SpecifyKind(stored, DateTimeKind.Utc));
}
