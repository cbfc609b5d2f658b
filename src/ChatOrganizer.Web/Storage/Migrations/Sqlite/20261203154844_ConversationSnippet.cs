using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConversationSnippet : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Snippet",
                table: "conversations",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Snippet",
                table: "conversations");
        }
    }
}
