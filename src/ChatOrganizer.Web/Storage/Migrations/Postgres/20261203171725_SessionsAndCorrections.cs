using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Postgres
{
    public partial class SessionsAndCorrections : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "corrections",
                columns: table => new
                {
                    OwnerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CategorySetId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ConversationId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Category = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PreviousCategory = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Batch = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DigestTitle = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    DigestText = table.Column<string>(type: "text", nullable: true),
                    CorrectedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_corrections", x => new { x.OwnerId, x.CategorySetId, x.ConversationId });
                });

            migrationBuilder.CreateTable(
                name: "session_handoffs",
                columns: table => new
                {
                    CodeHash = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    OwnerId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_session_handoffs", x => x.CodeHash);
                });

            migrationBuilder.CreateIndex(
                name: "IX_corrections_OwnerId_Batch",
                table: "corrections",
                columns: new[] { "OwnerId", "Batch" });

            migrationBuilder.CreateIndex(
                name: "IX_session_handoffs_ExpiresAt",
                table: "session_handoffs",
                column: "ExpiresAt");
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "corrections");

            migrationBuilder.DropTable(
                name: "session_handoffs");
        }
    }
}
