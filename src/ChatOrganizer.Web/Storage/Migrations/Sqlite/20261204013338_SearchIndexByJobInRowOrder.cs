using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Sqlite
{
    public partial class SearchIndexByJobInRowOrder : Migration
    {
        // A job's search rows by job in row order (its first and last rows bound a search within it), and the full-text
        // index without token positions (detail=none), filled once per batch by the read step instead of by a trigger per
        // row: writing it was most of the read step's time (bench job-speed). A term is found through its trigrams and
        // confirmed in the text (SearchQuery), so positions are not needed.
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_entries_JobId_Index",
                table: "search_entries");

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_JobId_Id",
                table: "search_entries",
                columns: new[] { "JobId", "Id" });

            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS search_entries_ai;
                DROP TRIGGER IF EXISTS search_entries_ad;
                DROP TABLE IF EXISTS search_fts;
                DROP TABLE IF EXISTS search_short;
                CREATE VIRTUAL TABLE search_fts USING fts5("Text", content='search_entries', content_rowid='Id', tokenize='trigram', detail=none);
                CREATE VIRTUAL TABLE search_short USING fts5("ShortTerms", content='search_entries', content_rowid='Id', tokenize='unicode61', detail=none);
                INSERT INTO search_fts(search_fts) VALUES ('rebuild');
                INSERT INTO search_short(search_short) VALUES ('rebuild');
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
                DROP TABLE IF EXISTS search_fts;
                DROP TABLE IF EXISTS search_short;
                CREATE VIRTUAL TABLE search_fts USING fts5("Text", content='search_entries', content_rowid='Id', tokenize='trigram');
                CREATE VIRTUAL TABLE search_short USING fts5("ShortTerms", content='search_entries', content_rowid='Id', tokenize='unicode61');
                INSERT INTO search_fts(search_fts) VALUES ('rebuild');
                INSERT INTO search_short(search_short) VALUES ('rebuild');
                CREATE TRIGGER search_entries_ai AFTER INSERT ON search_entries BEGIN
                  INSERT INTO search_fts(rowid, "Text") VALUES (new."Id", new."Text");
                  INSERT INTO search_short(rowid, "ShortTerms") SELECT new."Id", new."ShortTerms" WHERE new."ShortTerms" IS NOT NULL;
                END;
                CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                  INSERT INTO search_fts(search_fts, rowid, "Text") VALUES ('delete', old."Id", old."Text");
                  INSERT INTO search_short(search_short, rowid, "ShortTerms") SELECT 'delete', old."Id", old."ShortTerms" WHERE old."ShortTerms" IS NOT NULL;
                END;
                """);

            migrationBuilder.DropIndex(
                name: "IX_search_entries_JobId_Id",
                table: "search_entries");

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_JobId_Index",
                table: "search_entries",
                columns: new[] { "JobId", "Index" });
        }
    }
}
