using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>The files an export ZIP held beside its conversations (images, uploads), kept with their job.</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261203000000_Attachments")]
public sealed class Attachments : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "attachments",
            columns: table => new
            {
                JobId = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.Id, nullable: false),
                Number = table.Column<int>(nullable: false),
                ExportPath = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.ExportPath, nullable: false),
                ContentType = table.Column<string>(maxLength: ChatOrganizerDb.Lengths.ContentType, nullable: false),
                Bytes = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_attachments", x => new { x.JobId, x.Number });
                table.ForeignKey("FK_attachments_jobs_JobId", x => x.JobId, "jobs", "Id", onDelete: ReferentialAction.Cascade);
            });

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "attachments");
}
