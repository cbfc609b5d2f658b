using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Postgres
{
    public partial class FullTextSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Reused",
                table: "results",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ChangedConversations",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "KnownConversations",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "NewConversations",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ReusedResults",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "conversations",
                type: "character varying(128)",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "History",
                table: "conversations",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "search_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    JobId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Index = table.Column<int>(type: "integer", nullable: false),
                    Ordinal = table.Column<int>(type: "integer", nullable: false),
                    NodeId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false),
                    ShortTerms = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_search_entries", x => x.Id);
                    table.ForeignKey(
                        name: "FK_search_entries_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_conversations_ConversationId",
                table: "conversations",
                column: "ConversationId");

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_JobId_Index",
                table: "search_entries",
                columns: new[] { "JobId", "Index" });

            // The full-text index is not part of the EF model: pg_trgm (when it can be created) and the short terms' array index.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                  BEGIN
                    CREATE EXTENSION IF NOT EXISTS pg_trgm;
                  EXCEPTION WHEN OTHERS THEN
                    RAISE NOTICE 'pg_trgm is not available: searching scans the texts';
                  END;
                  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
                    CREATE INDEX IF NOT EXISTS "IX_search_entries_Text_trgm" ON search_entries USING gin ("Text" gin_trgm_ops);
                  END IF;
                END $$;
                CREATE INDEX IF NOT EXISTS "IX_search_entries_ShortTerms" ON search_entries USING gin (string_to_array("ShortTerms", ' '));
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP INDEX IF EXISTS "IX_search_entries_ShortTerms";
                DROP INDEX IF EXISTS "IX_search_entries_Text_trgm";
                """);

            migrationBuilder.DropTable(
                name: "search_entries");

            migrationBuilder.DropIndex(
                name: "IX_conversations_ConversationId",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "Reused",
                table: "results");

            migrationBuilder.DropColumn(
                name: "ChangedConversations",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "KnownConversations",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "NewConversations",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ReusedResults",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "ContentHash",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "History",
                table: "conversations");
        }
    }
}
