using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>The response mode each endpoint and model answer in (strict schema, function call...), found once.</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261202090000_ResponseModes")]
public sealed class ResponseModes : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "response_modes",
            columns: table => new
            {
                Endpoint = table.Column<string>(maxLength: 500, nullable: false),
                Model = table.Column<string>(maxLength: 100, nullable: false),
                Mode = table.Column<string>(maxLength: 16, nullable: false),
                DecidedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_response_modes", x => new { x.Endpoint, x.Model }));

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropTable(name: "response_modes");
}
