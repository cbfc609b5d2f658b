using System.Text.Json;
using ChatOrganizer.Export.Json;
using ChatOrganizer.Export.Parsing;

namespace ChatOrganizer.Export.Sources;

// Reads side files into small summaries, one element at a time (model_comparisons.json alone can
// be many MB). A side file that cannot be read is an export-level diagnostic, never a stop: the
// conversations are what matter.
internal sealed class SideFileReader(ExportSource source, ExportReaderOptions options, List<Diagnostic> diagnostics)
{
    private delegate void ElementVisitor(ref Utf8JsonReader reader);

    public async Task<ExportSideFiles> ReadAsync(ExportLayout layout, CancellationToken cancellationToken)
    {
        return new ExportSideFiles(
            await ReadUserAsync(layout.User, cancellationToken),
            await ReadFeedbackAsync(layout.MessageFeedback, cancellationToken),
            await CountModelComparisonsAsync(layout.ModelComparisons, cancellationToken),
            await ReadSharedConversationsAsync(layout.SharedConversations, cancellationToken));
    }

    // export_manifest.json (2025 and later) lists every file with its size: a shard missing, extra
    // or of another size means conversations were lost on the way.
    public async Task CheckManifestAsync(ExportLayout layout, CancellationToken cancellationToken)
    {
        if (layout.Manifest is null) return;
        var listed = new List<(string Path, long? Size)>();
        var read = await VisitAsync(layout.Manifest, JsonElementStreamMode.SingleValue, (ref Utf8JsonReader reader) =>
        {
            // A visit may start over when the buffer ended early, so results are kept only at its end.
            var files = new List<(string Path, long? Size)>();
            if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                return;
            }

            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                var isFiles = reader.ValueTextEquals("export_files"u8);
                JsonRead.Next(ref reader);
                if (!isFiles || reader.TokenType != JsonTokenType.StartArray)
                {
                    JsonRead.Skip(ref reader);
                    continue;
                }

                while (JsonRead.Next(ref reader) == JsonTokenType.StartObject)
                {
                    string? path = null;
                    long? size = null;
                    while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (reader.ValueTextEquals("path"u8)) path = ReadString(ref reader);
                        else if (reader.ValueTextEquals("size_bytes"u8)) size = ReadInt64(ref reader);
                        else JsonRead.SkipValue(ref reader);
                    }

                    if (path is not null) files.Add((path, size));
                }
            }

            listed = files;
        }, cancellationToken);
        if (!read) return;

        var manifest = layout.Manifest.Name;
        foreach (var (path, size) in listed.Where(l => ExportLayout.IsExportFile(l.Path)))
        {
            var entry = source.Entries.FirstOrDefault(e => string.Equals(e.Name, path, StringComparison.OrdinalIgnoreCase));
            if (entry is null)
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, manifest, null, null, null, $"{path} is listed in the manifest but missing from the export."));
            }
            else if (size is not null && entry.Length is not null && size != entry.Length)
            {
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, manifest, null, null, null, $"{path} is {entry.Length:N0} bytes, but the manifest says {size:N0}; it may be damaged."));
            }
        }

        foreach (var shard in layout.ConversationFiles.Where(f => !listed.Exists(l => string.Equals(l.Path, f.Name, StringComparison.OrdinalIgnoreCase))))
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, manifest, null, null, null, $"{shard.Name} is not listed in the manifest; it was read anyway."));
        }
    }

    // conversation_asset_file_names.json (2026): stored `.dat` file -> original name. Read as an
    // object of names, or an array of objects whose `.dat` string is the stored file and whose
    // other string is the original name.
    public async Task ReadAssetFileNamesAsync(ExportLayout layout, AssetNames names, CancellationToken cancellationToken)
    {
        if (layout.AssetFileNames is null) return;
        await VisitAsync(layout.AssetFileNames, JsonElementStreamMode.SingleValue, (ref Utf8JsonReader reader) =>
        {
            var pairs = new List<(string Stored, string Original)>();
            JsonRead.Next(ref reader);
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
                {
                    var stored = JsonRead.Text(ref reader, options.MaxStringBytes);
                    if (ReadString(ref reader) is { } original) pairs.Add((stored, original));
                }
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (JsonRead.Next(ref reader) == JsonTokenType.StartObject)
                {
                    var strings = new List<string>();
                    while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
                    {
                        if (ReadString(ref reader) is { } value) strings.Add(value);
                    }

                    var stored = strings.Find(s => s.EndsWith(".dat", StringComparison.OrdinalIgnoreCase));
                    var original = strings.Find(s => !s.EndsWith(".dat", StringComparison.OrdinalIgnoreCase));
                    if (stored is not null && original is not null) pairs.Add((stored, original));
                }
            }
            else
            {
                JsonRead.Skip(ref reader);
            }

            foreach (var (stored, original) in pairs) names.AddOriginalName(stored, original);
        }, cancellationToken);
    }

    private async Task<UserSummary?> ReadUserAsync(ExportEntry? entry, CancellationToken cancellationToken)
    {
        if (entry is null) return null;
        UserSummary? user = null;
        await VisitAsync(entry, JsonElementStreamMode.SingleValue, (ref Utf8JsonReader reader) =>
        {
            if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                return;
            }

            string? id = null;
            bool? plus = null;
            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
                else if (reader.ValueTextEquals("chatgpt_plus_user"u8)) plus = ReadBool(ref reader);
                else JsonRead.SkipValue(ref reader);
            }

            user = new UserSummary(id, plus);
        }, cancellationToken);
        return user;
    }

    private async Task<FeedbackSummary?> ReadFeedbackAsync(ExportEntry? entry, CancellationToken cancellationToken)
    {
        if (entry is null) return null;
        var count = 0;
        var byConversation = new Dictionary<string, FeedbackCounts>(StringComparer.Ordinal);
        await VisitAsync(entry, JsonElementStreamMode.Array, (ref Utf8JsonReader reader) =>
        {
            if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                return;
            }

            string? conversationId = null, rating = null;
            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("conversation_id"u8)) conversationId = ReadString(ref reader);
                else if (reader.ValueTextEquals("rating"u8)) rating = ReadString(ref reader);
                else JsonRead.SkipValue(ref reader);
            }

            count++;
            if (conversationId is null) return;
            var counts = byConversation.GetValueOrDefault(conversationId) ?? new FeedbackCounts(0, 0, 0);
            byConversation[conversationId] = rating switch
            {
                "thumbsUp" => counts with { ThumbsUp = counts.ThumbsUp + 1 },
                "thumbsDown" => counts with { ThumbsDown = counts.ThumbsDown + 1 },
                _ => counts with { Other = counts.Other + 1 },
            };
        }, cancellationToken);
        return new FeedbackSummary(count, byConversation);
    }

    private async Task<int?> CountModelComparisonsAsync(ExportEntry? entry, CancellationToken cancellationToken)
    {
        if (entry is null) return null;
        var count = 0;
        var read = await VisitAsync(entry, JsonElementStreamMode.Array, (ref Utf8JsonReader reader) =>
        {
            JsonRead.SkipValue(ref reader);
            count++;
        }, cancellationToken);
        return read ? count : null;
    }

    private async Task<IReadOnlyList<SharedConversation>?> ReadSharedConversationsAsync(ExportEntry? entry, CancellationToken cancellationToken)
    {
        if (entry is null) return null;
        var shared = new List<SharedConversation>();
        await VisitAsync(entry, JsonElementStreamMode.Array, (ref Utf8JsonReader reader) =>
        {
            if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                return;
            }

            string? id = null, conversationId = null, title = null;
            var anonymous = false;
            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader);
                else if (reader.ValueTextEquals("conversation_id"u8)) conversationId = ReadString(ref reader);
                else if (reader.ValueTextEquals("title"u8)) title = ReadString(ref reader);
                else if (reader.ValueTextEquals("is_anonymous"u8)) anonymous = ReadBool(ref reader) == true;
                else JsonRead.SkipValue(ref reader);
            }

            shared.Add(new SharedConversation(id, conversationId, title, anonymous));
        }, cancellationToken);
        return shared;
    }

    // Streams the file's elements to visit, each parsed on its own. Returns false when the file
    // could not be read to its end; what was visited until then stays counted.
    private async Task<bool> VisitAsync(ExportEntry entry, JsonElementStreamMode mode, ElementVisitor visit, CancellationToken cancellationToken)
    {
        JsonElementParser<bool> parse = (ref Utf8JsonReader reader, JsonElementInfo _) =>
        {
            visit(ref reader);
            return true;
        };
        try
        {
            await using var stream = await source.OpenAsync(entry, cancellationToken);
            using var elements = new JsonElementStream(stream, entry.Name, options, mode, "entry", report: diagnostics.Add);
            while (await elements.ParseNextAsync(parse, cancellationToken) is { } element)
            {
                if (element.Info.Limit == JsonElementLimit.None) continue;
                diagnostics.Add(new Diagnostic(DiagnosticSeverity.Warning, entry.Name, element.Info.Index, null, null,
                    $"Entry #{element.Info.Index} at byte {element.Info.Offset} breaks a reader limit ({element.Info.Limit}); it was skipped."));
            }

            return true;
        }
        catch (Exception e) when (e is ExportFormatException or IOException)
        {
            diagnostics.Add(new Diagnostic(DiagnosticSeverity.Error, entry.Name, null, null, null, $"{entry.Name} could not be read: {e.Message}"));
            return false;
        }
    }

    private string? ReadString(ref Utf8JsonReader reader)
    {
        JsonRead.Next(ref reader);
        if (reader.TokenType == JsonTokenType.String) return JsonRead.Text(ref reader, options.MaxStringBytes);
        JsonRead.Skip(ref reader);
        return null;
    }

    private static bool? ReadBool(ref Utf8JsonReader reader)
    {
        JsonRead.Next(ref reader);
        if (reader.TokenType is JsonTokenType.True or JsonTokenType.False) return reader.GetBoolean();
        JsonRead.Skip(ref reader);
        return null;
    }

    private static long? ReadInt64(ref Utf8JsonReader reader)
    {
        JsonRead.Next(ref reader);
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value)) return value;
        JsonRead.Skip(ref reader);
        return null;
    }

}
