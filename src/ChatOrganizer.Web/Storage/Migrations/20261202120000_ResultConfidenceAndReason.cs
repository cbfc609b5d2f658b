using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>Each result keeps how sure the engine was and why it filed the conversation there (the offline categorizer says both).</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261202120000_ResultConfidenceAndReason")]
public sealed class ResultConfidenceAndReason : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<double>(name: "Confidence", table: "results", nullable: true);
        migrationBuilder.AddColumn<string>(name: "Reason", table: "results", maxLength: ChatOrganizerDb.Lengths.Explanation, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(name: "Reason", table: "results");
        migrationBuilder.DropColumn(name: "Confidence", table: "results");
    }
}
