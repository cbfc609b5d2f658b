using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ChatOrganizer.Web.Storage.Migrations.Postgres
{
    public partial class ConversationVectors : Migration
    {
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DiscoveredTopicsJson",
                table: "jobs",
                type: "text",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "conversation_vectors",
                columns: table => new
                {
                    JobId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Index = table.Column<int>(type: "integer", nullable: false),
                    Vector = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_conversation_vectors", x => new { x.JobId, x.Index });
                    table.ForeignKey(
                        name: "FK_conversation_vectors_jobs_JobId",
                        column: x => x.JobId,
                        principalTable: "jobs",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });
        }

        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "conversation_vectors");

            migrationBuilder.DropColumn(
                name: "DiscoveredTopicsJson",
                table: "jobs");
        }
    }
}
