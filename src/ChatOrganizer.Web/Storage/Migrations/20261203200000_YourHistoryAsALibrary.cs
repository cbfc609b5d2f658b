using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>Issue 12: one-time codes that carry a session to another browser (only their hashes).</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261203200000_YourHistoryAsALibrary")]
public sealed class YourHistoryAsALibrary : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "session_handoffs",
            columns: table => new
            {
                CodeHash = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.Hash, nullable: false),
                OwnerId = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.OwnerId, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: false),
                UsedAt = table.Column<DateTime>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_session_handoffs", x => x.CodeHash));
        migrationBuilder.CreateIndex("IX_session_handoffs_ExpiresAt", "session_handoffs", "ExpiresAt");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("session_handoffs");
}
