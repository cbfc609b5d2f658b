using ChatOrganizer.Export;
using ChatOrganizer.Testing.Exports;

namespace ChatOrganizer.Core.Tests.Export;

public class ConversationFieldTests
{
    [Fact]
    public async Task ConversationFieldsAreRead()
    {
        using var folder = new TempExportFolder();
        var conversation = ExportJson.Conversation("c-1", "Deploy notes");
        conversation["gizmo_id"] = "g-abc123";
        conversation["gizmo_type"] = "gpt";
        conversation["is_archived"] = true;
        conversation["is_starred"] = true;
        var path = folder.Write("conversations.json", ExportJson.Array(conversation));

        var read = Assert.Single(await ExportFixtures.ReadAllAsync(path));

        Assert.Equal(("c-1", "Deploy notes", "gpt-4o"), (read.Id, read.Title, read.DefaultModel));
        Assert.Equal(("g-abc123", "gpt"), (read.GizmoId, read.GizmoType));
        Assert.True(read.IsArchived && read.IsStarred && read.HasMapping);
        Assert.Equal(("conversations.json", 0, 1L), (read.Location.File, read.Location.Index, read.Location.Offset));
    }

    [Fact]
    public async Task TimesAreUtcToTheMicrosecondLikeTheReference()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("c-1", "Times")));

        var read = Assert.Single(await ExportFixtures.ReadAllAsync(path));

        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 13, 20, 250, TimeSpan.Zero), read.CreateTime);
        Assert.Equal(TimeSpan.Zero, read.UpdateTime!.Value.Offset);
        Assert.Equal(new DateTimeOffset(2023, 11, 14, 22, 15, 0, 500, TimeSpan.Zero), read.UpdateTime);
    }

    [Fact]
    public async Task IdFallsBackToConversationIdAndANullTitleStaysNull()
    {
        using var folder = new TempExportFolder();
        var conversation = ExportJson.Conversation("c-2", "unused");
        conversation.Remove("id");
        conversation["title"] = null;
        var path = folder.Write("conversations.json", ExportJson.Array(conversation));

        var read = Assert.Single(await ExportFixtures.ReadAllAsync(path));

        Assert.Equal("c-2", read.Id);
        Assert.Null(read.Title);
    }

    [Fact]
    public async Task AnIdOnlyConversationKeepsItsId()
    {
        using var folder = new TempExportFolder();
        var conversation = ExportJson.Conversation("c-3", "2023, id only");
        conversation.Remove("conversation_id");
        var path = folder.Write("conversations.json", ExportJson.Array(conversation));

        Assert.Equal("c-3", Assert.Single(await ExportFixtures.ReadAllAsync(path)).Id);
    }

    [Fact]
    public async Task AMessageWithoutModelSlugHasNoneAndTheConversationKeepsItsDefault()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", ExportJson.Array(ExportJson.Conversation("c-4", "Model")));

        var read = Assert.Single(await ExportFixtures.ReadAllAsync(path));

        Assert.All(read.ActiveMessages, m => Assert.Null(m.ModelSlug));
        Assert.Equal("gpt-4o", read.DefaultModel);
    }

    [Fact]
    public async Task EscapedPropertyNamesAndValuesAreReadLikeAnyOther()
    {
        // ensure_ascii exports (Python's default) escape every non-ASCII character.
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json",
            ExportJson.Array(ExportJson.Conversation("c-5", "x")).Replace("\"title\":\"x\"", "\"\\u0074itle\":\"Caf\\u00e9 \\ud83d\\ude80\"", StringComparison.Ordinal));

        Assert.Equal("Café 🚀", Assert.Single(await ExportFixtures.ReadAllAsync(path)).Title);
    }

    [Fact]
    public async Task TheSameNodeListedTwiceKeepsTheLaterOneInTheFirstOnesPlaceWithAWarning()
    {
        using var folder = new TempExportFolder();
        var path = folder.Write("conversations.json", """
            [{"id": "c-6", "current_node": "b", "mapping": {
                "a": {"message": null, "parent": null, "children": ["b"]},
                "b": {"message": null, "parent": "a", "children": []},
                "a": {"message": {"author": {"role": "user"}, "content": {"content_type": "text", "parts": ["later"]}}, "parent": null, "children": ["b"]}
            }}]
            """);

        var read = Assert.Single(await ExportFixtures.ReadAllAsync(path));

        Assert.Equal(["a", "b"], read.Tree.Nodes.Select(n => n.Id));
        Assert.Equal("later", read.Tree.Find("a")!.Message!.Text);
        Assert.Equal("$.mapping['a']", Assert.Single(read.Diagnostics).JsonPath);
    }
}
