using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace ChatOrganizer.Web.Storage.Migrations;

/// <summary>Each conversation keeps the start of the person's first message, for the results page's one-line snippet.</summary>
[DbContext(typeof(ChatOrganizerDb))]
[Migration("20261203050000_ConversationSnippet")]
public sealed class ConversationSnippet : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>(name: "Snippet", table: "conversations", maxLength: ChatOrganizerDb.Lengths.Snippet, nullable: true);

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn(name: "Snippet", table: "conversations");
}
