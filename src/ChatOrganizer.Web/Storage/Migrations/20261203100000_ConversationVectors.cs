using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>Each conversation's offline vector, for "similar conversations"; a discover job's topics, to become a category set.</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261203100000_ConversationVectors")]
public sealed class ConversationVectors : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "conversation_vectors",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.Id, nullable: false),
                Index = table.Column<int>(nullable: false),
                Vector = table.Column<byte[]>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_conversation_vectors", x => new { x.JobId, x.Index });
                table.ForeignKey("FK_conversation_vectors_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });
        migrationBuilder.AddColumn<string>(name: "DiscoveredTopicsJson", table: "jobs", nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "DiscoveredTopicsJson", table: "jobs");
        migrationBuilder.DropTable("conversation_vectors");
    }
}
