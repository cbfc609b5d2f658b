using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace ChatOrganizer.Web.Storage.Migrations;

// Written by hand, so that one set serves both providers, and provider-neutral: no column
// types, so SQLite and PostgreSQL each map the CLR type the way the model does; identity columns carry
// both providers' annotations. A migration is history: never edit one that has shipped, add the next.
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261121000000_InitialSchema")]
public sealed class InitialSchema : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "jobs",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 32, nullable: false),
                OwnerId = table.Column<string>(maxLength: 64, nullable: false),
                Mode = table.Column<string>(maxLength: 16, nullable: false),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                FileName = table.Column<string>(maxLength: 260, nullable: false),
                UploadBytes = table.Column<long>(nullable: false),
                BytesRead = table.Column<long>(nullable: false),
                CategorySetId = table.Column<string>(maxLength: 32, nullable: true),
                CategorySetName = table.Column<string>(maxLength: 200, nullable: true),
                CategorySetJson = table.Column<string>(nullable: true),
                Model = table.Column<string>(maxLength: 100, nullable: true),
                Engine = table.Column<string>(maxLength: 16, nullable: true),
                ProtectedApiKey = table.Column<string>(nullable: true),
                Read = table.Column<int>(nullable: false),
                Total = table.Column<int>(nullable: true),
                Categorized = table.Column<int>(nullable: false),
                Failed = table.Column<int>(nullable: false),
                Requests = table.Column<int>(nullable: false),
                Retries = table.Column<int>(nullable: false),
                InputTokens = table.Column<long>(nullable: false),
                OutputTokens = table.Column<long>(nullable: false),
                WorkItems = table.Column<int>(nullable: false),
                ReadAttempts = table.Column<int>(nullable: false),
                FailureReason = table.Column<string>(maxLength: 2000, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                StartedAt = table.Column<DateTime>(nullable: true),
                CategorizingStartedAt = table.Column<DateTime>(nullable: true),
                FinishedAt = table.Column<DateTime>(nullable: true),
                ExpiresAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_jobs", x => x.Id));

        migrationBuilder.CreateTable(
            name: "job_log",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                JobId = table.Column<string>(maxLength: 32, nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Level = table.Column<string>(maxLength: 16, nullable: false),
                Message = table.Column<string>(maxLength: 4000, nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_job_log", x => x.Id);
                table.ForeignKey("FK_job_log_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "work_items",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: 32, nullable: false),
                Number = table.Column<int>(nullable: false),
                FirstIndex = table.Column<int>(nullable: false),
                EndIndex = table.Column<int>(nullable: false),
                Attempts = table.Column<int>(nullable: false),
                Instance = table.Column<string>(maxLength: 200, nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
                CompletedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_work_items", x => new { x.JobId, x.Number });
                table.ForeignKey("FK_work_items_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "conversations",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: 32, nullable: false),
                Index = table.Column<int>(nullable: false),
                ConversationId = table.Column<string>(maxLength: 200, nullable: true),
                Title = table.Column<string>(maxLength: 1000, nullable: true),
                CreateTime = table.Column<DateTime>(nullable: true),
                UpdateTime = table.Column<DateTime>(nullable: true),
                MessageCount = table.Column<int>(nullable: false),
                Model = table.Column<string>(maxLength: 100, nullable: true),
                Warnings = table.Column<int>(nullable: false),
                DigestTitle = table.Column<string>(maxLength: 1000, nullable: true),
                DigestText = table.Column<string>(nullable: true),
                DigestTokens = table.Column<int>(nullable: false),
                DigestHash = table.Column<string>(maxLength: 128, nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_conversations", x => new { x.JobId, x.Index });
                table.ForeignKey("FK_conversations_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "transcripts",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: 32, nullable: false),
                Index = table.Column<int>(nullable: false),
                Content = table.Column<byte[]>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_transcripts", x => new { x.JobId, x.Index });
                table.ForeignKey("FK_transcripts_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "results",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: 32, nullable: false),
                Index = table.Column<int>(nullable: false),
                Status = table.Column<string>(maxLength: 16, nullable: false),
                Category = table.Column<string>(maxLength: 200, nullable: true),
                Engine = table.Column<string>(maxLength: 16, nullable: false),
                Model = table.Column<string>(maxLength: 100, nullable: true),
                FailureReason = table.Column<string>(maxLength: 2000, nullable: true),
                At = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_results", x => new { x.JobId, x.Index });
                table.ForeignKey("FK_results_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "category_sets",
            columns: table => new
            {
                Id = table.Column<string>(maxLength: 32, nullable: false),
                OwnerId = table.Column<string>(maxLength: 64, nullable: false),
                Name = table.Column<string>(maxLength: 200, nullable: false),
                CategoriesJson = table.Column<string>(nullable: false),
                AllowNewCategories = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_category_sets", x => x.Id));

        migrationBuilder.CreateTable(
            name: "categorization_cache",
            columns: table => new
            {
                ConversationId = table.Column<string>(maxLength: 200, nullable: false),
                DigestHash = table.Column<string>(maxLength: 128, nullable: false),
                CategorySetHash = table.Column<string>(maxLength: 128, nullable: false),
                Model = table.Column<string>(maxLength: 100, nullable: false),
                Category = table.Column<string>(maxLength: 200, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_categorization_cache", x => new { x.ConversationId, x.DigestHash, x.CategorySetHash, x.Model }));

        migrationBuilder.CreateIndex("IX_jobs_OwnerId_CreatedAt", "jobs", ["OwnerId", "CreatedAt"]);
        migrationBuilder.CreateIndex("IX_jobs_Status", "jobs", "Status");
        migrationBuilder.CreateIndex("IX_jobs_ExpiresAt", "jobs", "ExpiresAt");
        migrationBuilder.CreateIndex("IX_job_log_JobId_Id", "job_log", ["JobId", "Id"]);
        migrationBuilder.CreateIndex("IX_category_sets_OwnerId", "category_sets", "OwnerId");
        migrationBuilder.CreateIndex("IX_categorization_cache_CreatedAt", "categorization_cache", "CreatedAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "categorization_cache", "category_sets", "results", "transcripts", "conversations", "work_items", "job_log", "jobs" })
        {
            migrationBuilder.DropTable(table);
        }
    }
}
