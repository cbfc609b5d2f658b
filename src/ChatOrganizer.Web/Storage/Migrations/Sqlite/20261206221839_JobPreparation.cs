using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class JobPreparation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Prepared",
                table: "jobs",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SourceFile",
                table: "conversations",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "SourceLength",
                table: "conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<long>(
                name: "SourceOffset",
                table: "conversations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Prepared",
                table: "jobs");

            migrationBuilder.DropColumn(
                name: "SourceFile",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "SourceLength",
                table: "conversations");

            migrationBuilder.DropColumn(
                name: "SourceOffset",
                table: "conversations");
        }
    }
}
