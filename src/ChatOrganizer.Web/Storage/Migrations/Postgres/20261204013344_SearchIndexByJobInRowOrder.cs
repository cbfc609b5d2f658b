using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Postgres
{
    public partial class SearchIndexByJobInRowOrder : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_search_entries_JobId_Index",
                table: "search_entries");

            migrationBuilder.CreateIndex(
                name: "IX_search_entries_JobId_Id",
                table: "search_entries",
                columns: new[] { "JobId", "Id" });
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
