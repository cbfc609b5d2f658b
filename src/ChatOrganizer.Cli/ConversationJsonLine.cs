using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ChatOrganizer.Export;

namespace ChatOrganizer.Cli;

// One conversation as one JSON line for `inspect --format json`: the fields the reference reading
// has (index, id, title, create_time, active_path, branch_points as a count) and what else helps
// a person or a script: the active path's messages and the conversation's diagnostics.
internal sealed class ConversationJsonLine
{
    public const string TimeFormat = "yyyy-MM-ddTHH:mm:ssZ";

    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer = new();

    public string Write(Conversation conversation)
    {
        _buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(_buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteNumber("index", conversation.Location.Index);
            json.WriteString("id", conversation.Id);
            json.WriteString("title", conversation.Title);
            WriteTime(json, "create_time", conversation.CreateTime);
            WriteTime(json, "update_time", conversation.UpdateTime);
            json.WriteString("file", conversation.Location.File);
            json.WriteBoolean("has_mapping", conversation.HasMapping);
            json.WriteString("default_model", conversation.DefaultModel);
            json.WriteString("gizmo_id", conversation.GizmoId);
            json.WriteBoolean("is_archived", conversation.IsArchived);
            json.WriteBoolean("is_starred", conversation.IsStarred);
            WriteCustomInstructions(json, conversation.CustomInstructions);
            json.WriteNumber("node_count", conversation.Tree.Nodes.Count);
            WriteStrings(json, "active_path", conversation.Tree.ActivePath);
            json.WriteNumber("branch_points", conversation.Tree.BranchPoints.Count);
            WriteStrings(json, "branch_point_ids", conversation.Tree.BranchPoints);
            json.WriteStartArray("messages");
            foreach (var message in conversation.ActiveMessages) WriteMessage(json, message);
            json.WriteEndArray();
            json.WriteStartArray("diagnostics");
            foreach (var diagnostic in conversation.Diagnostics)
            {
                json.WriteStartObject();
                json.WriteString("severity", diagnostic.Severity == DiagnosticSeverity.Error ? "error" : "warning");
                json.WriteString("json_path", diagnostic.JsonPath);
                json.WriteString("reason", diagnostic.Reason);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }

    public static string? FormatTime(DateTimeOffset? time) =>
        time?.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private static void WriteMessage(Utf8JsonWriter json, Message message)
    {
        json.WriteStartObject();
        json.WriteString("id", message.Id);
        json.WriteString("role", message.Role);
        if (message.AuthorName is not null) json.WriteString("author_name", message.AuthorName);
        if (message.Recipient is not null and not "all") json.WriteString("recipient", message.Recipient);
        json.WriteString("content_type", message.ContentType);
        if (message.ModelSlug is not null) json.WriteString("model", message.ModelSlug);
        WriteTime(json, "create_time", message.CreateTime);
        json.WriteBoolean("hidden", message.IsHidden);
        json.WriteString("text", message.Text);
        if (message.Attachments.Count > 0)
        {
            json.WriteStartArray("attachments");
            foreach (var attachment in message.Attachments)
            {
                json.WriteStartObject();
                json.WriteString("kind", attachment.Kind);
                json.WriteString("asset_pointer", attachment.AssetPointer);
                json.WriteString("name", attachment.Name);
                if (attachment.SizeBytes is { } size) json.WriteNumber("size_bytes", size);
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteCustomInstructions(Utf8JsonWriter json, CustomInstructions? instructions)
    {
        if (instructions is null)
        {
            json.WriteNull("custom_instructions");
            return;
        }

        json.WriteStartObject("custom_instructions");
        json.WriteString("about_user", instructions.AboutUser);
        json.WriteString("about_model", instructions.AboutModel);
        json.WriteString("source", instructions.Source == CustomInstructionsSource.SystemMessage ? "system_message" : "user_editable_context");
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTimeOffset? time)
    {
        if (FormatTime(time) is { } text) json.WriteString(name, text);
        else json.WriteNull(name);
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteStringValue(value);
        json.WriteEndArray();
    }
}
