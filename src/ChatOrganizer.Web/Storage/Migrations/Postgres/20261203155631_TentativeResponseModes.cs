using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TentativeResponseModes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "Tentative",
                table: "response_modes",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Tentative",
                table: "response_modes");
        }
    }
}
