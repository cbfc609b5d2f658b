using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>
/// Steps run on Hangfire: each claims its row with a lease (owner, expiry) so a second copy does nothing, and
/// remembers the id of the background job queued for it so a lost one is queued again.
/// </summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261202100000_StepLeases")]
public sealed class StepLeases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(name: "ReadLeaseOwner", table: "jobs", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "ReadLeaseExpiresAt", table: "jobs", nullable: true);
        migrationBuilder.AddColumn<string>(name: "ReadBackgroundJobId", table: "jobs", maxLength: 64, nullable: true);
        migrationBuilder.AddColumn<string>(name: "LeaseOwner", table: "work_items", maxLength: 200, nullable: true);
        migrationBuilder.AddColumn<DateTime>(name: "LeaseExpiresAt", table: "work_items", nullable: true);
        migrationBuilder.AddColumn<string>(name: "BackgroundJobId", table: "work_items", maxLength: 64, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var column in new[] { "ReadLeaseOwner", "ReadLeaseExpiresAt", "ReadBackgroundJobId" }) migrationBuilder.DropColumn(column, "jobs");
        foreach (var column in new[] { "LeaseOwner", "LeaseExpiresAt", "BackgroundJobId" }) migrationBuilder.DropColumn(column, "work_items");
    }
}
