using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Sqlite
{
    public partial class FullTextSearch : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Reused",
                table: "results",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "ChangedConversations",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "KnownConversations",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "NewConversations",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "ReusedResults",
                table: "jobs",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ContentHash",
                table: "conversations",
                type: "TEXT",
                maxLength: 128,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "History",
                table: "conversations",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "search_entries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    JobId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Index = table.Column<int>(type: "INTEGER", nullable: false),
                    Ordinal = table.Column<int>(type: "INTEGER", nullable: false),
                    NodeId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    ShortTerms = table.Column<string>(type: "TEXT", nullable: true)
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

            // The full-text index is not part of the EF model: FTS5 tables over search_entries, kept in step by triggers.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE search_fts USING fts5("Text", content='search_entries', content_rowid='Id', tokenize='trigram');
                CREATE VIRTUAL TABLE search_short USING fts5("ShortTerms", content='search_entries', content_rowid='Id', tokenize='unicode61');
                CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
                  INSERT INTO search_fts(rowid, "Text") VALUES (new."Id", new."Text");
                  INSERT INTO search_short(rowid, "ShortTerms") SELECT new."Id", new."ShortTerms" WHERE new."ShortTerms" IS NOT NULL;
                END;
                CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                  INSERT INTO search_fts(search_fts, rowid, "Text") VALUES ('delete', old."Id", old."Text");
                  INSERT INTO search_short(search_short, rowid, "ShortTerms") SELECT 'delete', old."Id", old."ShortTerms" WHERE old."ShortTerms" IS NOT NULL;
                END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS search_entries_ad;
                DROP TRIGGER IF EXISTS search_entries_ai;
                DROP TABLE IF EXISTS search_short;
                DROP TABLE IF EXISTS search_fts;
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
