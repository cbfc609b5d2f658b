using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>Jobs can wait after reading for the person to start categorizing (the upload page's estimate first).</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261122000000_WaitForStart")]
public sealed class WaitForStart : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<bool>(name: "WaitForStart", table: "jobs", nullable: false, defaultValue: false);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "WaitForStart", table: "jobs");
}
