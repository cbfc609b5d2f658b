using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Sqlite
{
    public partial class SearchIndexFilledBehind : Migration
    {
        // The full-text indexes filled behind the read step (SearchIndexer), up to the mark kept in search_index_state,
        // instead of in the read step's own transactions: writing the trigram index cost more than reading and storing
        // the rows (bench job-speed). They keep no copy of the text (contentless) and forget a row by its rowid
        // (contentless_delete), so a row deleted before it was indexed leaves nothing to undo. The mark starts at 0: the
        // rows already stored are indexed again by the indexer at start, and found by the scan until then.
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS search_entries_ad;
                DROP TABLE IF EXISTS search_fts;
                DROP TABLE IF EXISTS search_short;
                CREATE VIRTUAL TABLE search_fts USING fts5("Text", content='', contentless_delete=1, tokenize='trigram', detail=none);
                CREATE VIRTUAL TABLE search_short USING fts5("ShortTerms", content='', contentless_delete=1, tokenize='unicode61', detail=none);
                CREATE TABLE search_index_state ("IndexedUpTo" INTEGER NOT NULL);
                INSERT INTO search_index_state ("IndexedUpTo") VALUES (0);
                CREATE TRIGGER search_entries_ad AFTER DELETE ON search_entries BEGIN
                  DELETE FROM search_fts WHERE rowid = old."Id";
                  DELETE FROM search_short WHERE rowid = old."Id";
                END;
                """);
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS search_entries_ad;
                DROP TABLE IF EXISTS search_index_state;
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
    }
}
