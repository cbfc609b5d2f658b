using System.Text.Json;
using System.Text.Unicode;
using ChatOrganizer.Export.Json;

namespace ChatOrganizer.Export.Parsing;

// Turns one conversation's JSON (a complete element, buffered by JsonElementStream) into a
// Conversation. It reads with Utf8JsonReader and materializes only what the model keeps: node
// ids, message fields and text; metadata and moderation results are skipped unread. Damage in a
// conversation becomes a diagnostic; only bytes that are not JSON or not UTF-8 stop the reading.
internal sealed class ConversationParser(string file, ExportReaderOptions options, AssetNames assetNames)
{
    private readonly ContentRenderer _renderer = new(assetNames);
    private readonly ConversationDiagnostics _diagnostics = new();
    private readonly JsonReaderOptions _readerOptions = new() { MaxDepth = options.MaxDepth };
    private string? _nodeId;

    public Conversation Parse(ReadOnlySpan<byte> json, JsonElementInfo element)
    {
        var location = new ConversationLocation(file, element.Index);
        if (element.Limit != JsonElementLimit.None) return Skipped(location, element);
        ThrowIfNotUtf8(json, element);
        _diagnostics.Clear();
        _nodeId = null;
        var reader = new Utf8JsonReader(json, _readerOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                _diagnostics.Error("$", $"The conversation is {JsonTokens.Describe(reader.TokenType)}, not an object; there is nothing to read.");
                return new Conversation { Location = location, Id = null, Tree = MessageTree.Empty, Diagnostics = _diagnostics.ToList(file, element.Index, null) };
            }

            return ParseConversation(ref reader, location);
        }
        catch (JsonException e)
        {
            var offset = element.Offset + OffsetOf(json, e.LineNumber ?? 0, e.BytePositionInLine ?? 0);
            throw new ExportFormatException(
                $"{file} is not valid JSON at byte {offset}, in conversation #{element.Index}: {ReaderMessage(e)}", file, offset, e);
        }
    }

    private Conversation ParseConversation(ref Utf8JsonReader reader, ConversationLocation location)
    {
        string? id = null, conversationId = null, title = null, defaultModel = null, gizmoId = null, gizmoType = null, currentNode = null;
        DateTimeOffset? createTime = null, updateTime = null;
        bool archived = false, starred = false, hasMapping = false;
        var nodes = new List<NodeDraft>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("mapping"u8))
            {
                reader.Read();
                hasMapping = ReadMapping(ref reader, nodes, index);
            }
            else if (reader.ValueTextEquals("title"u8)) title = ReadString(ref reader, ".title");
            else if (reader.ValueTextEquals("create_time"u8)) createTime = ReadTime(ref reader, ".create_time", out _);
            else if (reader.ValueTextEquals("update_time"u8)) updateTime = ReadTime(ref reader, ".update_time", out _);
            else if (reader.ValueTextEquals("current_node"u8)) currentNode = ReadString(ref reader, ".current_node");
            else if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader, ".id");
            else if (reader.ValueTextEquals("conversation_id"u8)) conversationId = ReadString(ref reader, ".conversation_id");
            else if (reader.ValueTextEquals("default_model_slug"u8)) defaultModel = ReadString(ref reader, ".default_model_slug");
            else if (reader.ValueTextEquals("gizmo_id"u8)) gizmoId = ReadString(ref reader, ".gizmo_id");
            else if (reader.ValueTextEquals("gizmo_type"u8)) gizmoType = ReadString(ref reader, ".gizmo_type");
            else if (reader.ValueTextEquals("is_archived"u8)) archived = ReadBool(ref reader, ".is_archived");
            else if (reader.ValueTextEquals("is_starred"u8)) starred = ReadBool(ref reader, ".is_starred");
            else SkipValue(ref reader);
        }

        // `id`, else `conversation_id` (some 2023 exports have only `id`; an empty one counts as none).
        var conversationKey = string.IsNullOrEmpty(id) ? conversationId : id;
        if (!hasMapping)
        {
            _diagnostics.Warn("$.mapping", "The conversation has no mapping (a folder or project entry, or damage); it has no messages.");
        }

        var (tree, instructions) = BuildTree(nodes, index, currentNode);
        return new Conversation
        {
            Location = location,
            Id = conversationKey,
            Title = title,
            CreateTime = createTime,
            UpdateTime = updateTime,
            DefaultModel = defaultModel,
            GizmoId = gizmoId,
            GizmoType = gizmoType,
            IsArchived = archived,
            IsStarred = starred,
            HasMapping = hasMapping,
            CustomInstructions = instructions,
            Tree = tree,
            Diagnostics = _diagnostics.ToList(file, location.Index, conversationKey),
        };
    }

    private (MessageTree Tree, CustomInstructions? Instructions) BuildTree(List<NodeDraft> nodes, Dictionary<string, int> index, string? currentNode)
    {
        var children = new IReadOnlyList<string>[nodes.Count];
        if (nodes.Exists(n => n.Children is not null))
        {
            for (var i = 0; i < nodes.Count; i++)
            {
                var listed = nodes[i].Children;
                children[i] = listed is null || listed.Count == 0 ? []
                    : listed.TrueForAll(index.ContainsKey) ? listed
                    : listed.FindAll(index.ContainsKey);
            }
        }
        else
        {
            // Some newer exports omit `children`: the parent links say the same.
            var derived = new List<string>?[nodes.Count];
            foreach (var node in nodes)
            {
                if (node.ParentId is not null && index.TryGetValue(node.ParentId, out var parent)) (derived[parent] ??= []).Add(node.Id);
            }

            for (var i = 0; i < nodes.Count; i++) children[i] = derived[i] ?? (IReadOnlyList<string>)[];
        }

        var messageNodes = new MessageNode[nodes.Count];
        var branchPoints = new List<string>();
        for (var i = 0; i < nodes.Count; i++)
        {
            messageNodes[i] = new MessageNode(nodes[i].Id, nodes[i].ParentId, children[i], nodes[i].Message);
            if (children[i].Count >= 2) branchPoints.Add(nodes[i].Id);
        }

        var path = ActivePath.Find(nodes, children, index, currentNode, _diagnostics);
        var instructions = path.Select(id => nodes[index[id]].CustomInstructions).FirstOrDefault(c => c is not null)
            ?? nodes.Find(n => n.CustomInstructions is not null)?.CustomInstructions;
        return (MessageTree.Create(messageNodes, path, branchPoints, index), instructions);
    }

    // Returns whether `mapping` is an object (the reference counts only that as having a mapping).
    private bool ReadMapping(ref Utf8JsonReader reader, List<NodeDraft> nodes, Dictionary<string, int> index)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error("$.mapping", $"mapping is {JsonTokens.Describe(reader.TokenType)}, not an object; its messages could not be read.");
            reader.Skip();
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            _nodeId = key;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                _diagnostics.Error(NodePath(""), $"The node is {JsonTokens.Describe(reader.TokenType)}, not an object; it was left out.");
                reader.Skip();
                continue;
            }

            var node = ReadNode(ref reader, key);
            if (index.TryGetValue(key, out var existing))
            {
                // Like a JSON parser: the later duplicate wins, in the first one's place.
                _diagnostics.Warn(NodePath(""), "The node appears twice in the mapping; the later one was kept.");
                nodes[existing] = node;
            }
            else
            {
                index.Add(key, nodes.Count);
                nodes.Add(node);
            }
        }

        _nodeId = null;
        return true;
    }

    private NodeDraft ReadNode(ref Utf8JsonReader reader, string key)
    {
        var node = new NodeDraft(key);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null) continue;
                node.HasMessage = true;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadMessage(ref reader, node);
                }
                else
                {
                    _diagnostics.Error(NodePath(".message"), $"message is {JsonTokens.Describe(reader.TokenType)}, not an object; it could not be read.");
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("parent"u8)) node.ParentId = ReadString(ref reader, ".parent");
            else if (reader.ValueTextEquals("children"u8)) node.Children = ReadChildren(ref reader);
            else SkipValue(ref reader);
        }

        return node;
    }

    private List<string>? ReadChildren(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            _diagnostics.Error(NodePath(".children"), $"children is {JsonTokens.Describe(reader.TokenType)}, not an array; it was ignored.");
            reader.Skip();
            return null;
        }

        var children = new List<string>(2);
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                children.Add(reader.GetString()!);
                continue;
            }

            _diagnostics.Error(NodePath(".children"), $"A child id is {JsonTokens.Describe(reader.TokenType)}, not a string; it was ignored.");
            reader.Skip();
        }

        return children;
    }

    private void ReadMessage(ref Utf8JsonReader reader, NodeDraft node)
    {
        string? id = null, role = null, authorName = null, recipient = null, status = null, channel = null;
        DateTimeOffset? createTime = null, updateTime = null;
        double? rawCreateTime = null;
        var metadata = new MessageMetadata();
        MessageContent? content = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                content = ReadContent(ref reader);
            }
            else if (reader.ValueTextEquals("author"u8)) (role, authorName) = ReadAuthor(ref reader);
            else if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader, ".message.id");
            else if (reader.ValueTextEquals("create_time"u8)) createTime = ReadTime(ref reader, ".message.create_time", out rawCreateTime);
            else if (reader.ValueTextEquals("update_time"u8)) updateTime = ReadTime(ref reader, ".message.update_time", out _);
            else if (reader.ValueTextEquals("status"u8)) status = ReadString(ref reader, ".message.status");
            else if (reader.ValueTextEquals("recipient"u8)) recipient = ReadString(ref reader, ".message.recipient");
            else if (reader.ValueTextEquals("channel"u8)) channel = ReadString(ref reader, ".message.channel");
            else if (reader.ValueTextEquals("metadata"u8)) metadata = ReadMetadata(ref reader);
            else SkipValue(ref reader);
        }

        if (role is null) _diagnostics.Warn(NodePath(".message.author"), "The message has no author role.");
        var rendered = content is null ? new RenderedContent("", [], null) : _renderer.Render(content);
        if (rendered.Warning is not null) _diagnostics.Warn(NodePath(".message.content"), rendered.Warning);
        var text = rendered.Text;
        var contentType = content?.ContentType ?? "";

        // 2023 custom instructions: an empty system message whose metadata holds the two answers.
        var (aboutUser, aboutModel) = (NullIfEmpty(metadata.AboutUser), NullIfEmpty(metadata.AboutModel));
        if (metadata.UserSystemMessage && (aboutUser is not null || aboutModel is not null))
        {
            node.CustomInstructions = new CustomInstructions(aboutUser, aboutModel, CustomInstructionsSource.SystemMessage);
            if (text.Length == 0) text = aboutUser is null || aboutModel is null ? aboutUser ?? aboutModel! : aboutUser + "\n" + aboutModel;
        }
        else if (contentType == "user_editable_context" && content is not null)
        {
            var profile = NullIfEmpty(content.Field("user_profile"));
            var instructions = NullIfEmpty(content.Field("user_instructions"));
            if (profile is not null || instructions is not null)
            {
                node.CustomInstructions = new CustomInstructions(profile, instructions, CustomInstructionsSource.UserEditableContext);
            }
        }

        node.MessageCreateTime = rawCreateTime;
        node.Message = new Message(
            id ?? node.Id,
            role ?? "unknown",
            authorName,
            recipient,
            contentType,
            metadata.ModelSlug,
            createTime,
            updateTime,
            status,
            channel,
            metadata.Hidden || metadata.UserSystemMessage || contentType == "user_editable_context",
            text,
            rendered.Attachments);
    }

    private MessageContent? ReadContent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error(NodePath(".message.content"), $"content is {JsonTokens.Describe(reader.TokenType)}, not an object; the message has no text.");
            reader.Skip();
            return null;
        }

        var content = MessageContentReader.Read(ref reader);
        if (content.Problems is { } problems)
        {
            foreach (var (path, reason) in problems) _diagnostics.Error(NodePath(".message.content" + path), reason);
        }

        return content;
    }

    private (string? Role, string? Name) ReadAuthor(ref Utf8JsonReader reader)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error(NodePath(".message.author"), $"author is {JsonTokens.Describe(reader.TokenType)}, not an object.");
            reader.Skip();
            return (null, null);
        }

        string? role = null, name = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8)) role = ReadString(ref reader, ".message.author.role");
            else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader, ".message.author.name");
            else SkipValue(ref reader);
        }

        return (role, name);
    }

    private MessageMetadata ReadMetadata(ref Utf8JsonReader reader)
    {
        var metadata = new MessageMetadata();
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return metadata;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("is_visually_hidden_from_conversation"u8)) metadata.Hidden = ReadBool(ref reader, ".message.metadata.is_visually_hidden_from_conversation");
            else if (reader.ValueTextEquals("is_user_system_message"u8)) metadata.UserSystemMessage = ReadBool(ref reader, ".message.metadata.is_user_system_message");
            else if (reader.ValueTextEquals("model_slug"u8)) metadata.ModelSlug = ReadString(ref reader, ".message.metadata.model_slug");
            else if (reader.ValueTextEquals("user_context_message_data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    reader.Skip();
                    continue;
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("about_user_message"u8)) metadata.AboutUser = ReadString(ref reader, ".message.metadata.user_context_message_data.about_user_message");
                    else if (reader.ValueTextEquals("about_model_message"u8)) metadata.AboutModel = ReadString(ref reader, ".message.metadata.user_context_message_data.about_model_message");
                    else SkipValue(ref reader);
                }
            }
            else SkipValue(ref reader);
        }

        return metadata;
    }

    private string? ReadString(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString();
            case JsonTokenType.Null:
                return null;
            default:
                _diagnostics.Error(PathOf(path), $"Expected a string, found {JsonTokens.Describe(reader.TokenType)}; it was left empty.");
                reader.Skip();
                return null;
        }
    }

    private bool ReadBool(ref Utf8JsonReader reader, string path)
    {
        reader.Read();
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False or JsonTokenType.Null:
                return false;
            default:
                _diagnostics.Error(PathOf(path), $"Expected true or false, found {JsonTokens.Describe(reader.TokenType)}; read as false.");
                reader.Skip();
                return false;
        }
    }

    private DateTimeOffset? ReadTime(ref Utf8JsonReader reader, string path, out double? seconds)
    {
        reader.Read();
        seconds = null;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                var time = reader.TryGetDouble(out var value) ? UnixTime.FromSeconds(value) : null;
                seconds = time is null ? null : value;
                if (time is null) _diagnostics.Warn(PathOf(path), $"{System.Text.Encoding.UTF8.GetString(reader.ValueSpan)} is not a time between the years 1 and 9999; it was left empty.");
                return time;
            case JsonTokenType.Null:
                return null;
            default:
                var found = reader.TokenType == JsonTokenType.String ? $"\"{Shorten(reader.GetString()!)}\"" : JsonTokens.Describe(reader.TokenType);
                _diagnostics.Warn(PathOf(path), $"Expected a time in Unix seconds, found {found}; it was left empty.");
                reader.Skip();
                return null;
        }
    }

    private static void SkipValue(ref Utf8JsonReader reader)
    {
        reader.Read();
        reader.Skip();
    }

    private Conversation Skipped(ConversationLocation location, JsonElementInfo element)
    {
        var reason = element.Limit switch
        {
            JsonElementLimit.TooLarge => $"The conversation is larger than {options.MaxConversationBytes:N0} bytes (ExportReaderOptions.MaxConversationBytes); it was skipped.",
            JsonElementLimit.TooDeep => $"The conversation nests deeper than {options.MaxDepth} levels (ExportReaderOptions.MaxDepth); it was skipped.",
            _ => $"The conversation holds a string longer than {options.MaxStringBytes:N0} bytes (ExportReaderOptions.MaxStringBytes); it was skipped.",
        };
        var diagnostic = new Diagnostic(DiagnosticSeverity.Error, file, element.Index, null, null, $"{reason} It starts at byte {element.Offset}.");
        return new Conversation { Location = location, Id = null, Tree = MessageTree.Empty, Diagnostics = [diagnostic] };
    }

    private void ThrowIfNotUtf8(ReadOnlySpan<byte> json, JsonElementInfo element)
    {
        if (Utf8.IsValid(json)) return;
        var at = 0;
        while (at < json.Length && System.Text.Rune.DecodeFromUtf8(json[at..], out _, out var used) == System.Buffers.OperationStatus.Done) at += used;
        var offset = element.Offset + at;
        throw new ExportFormatException(
            $"{file} holds bytes that are not UTF-8 at byte {offset}, in conversation #{element.Index}; ChatGPT exports are UTF-8, so the file is damaged.",
            file, offset);
    }

    // JSON paths are built only when something is reported: inside a node from its id, else from the conversation.
    private string NodePath(string suffix) => $"$.mapping['{_nodeId}']{suffix}";

    private string PathOf(string suffix) => _nodeId is null ? "$" + suffix : NodePath(suffix);

    private static long OffsetOf(ReadOnlySpan<byte> json, long line, long positionInLine)
    {
        var offset = 0;
        for (var i = 0; i < line; i++)
        {
            var newline = json[offset..].IndexOf((byte)'\n');
            if (newline < 0) break;
            offset += newline + 1;
        }

        return offset + positionInLine;
    }

    // The reader's message ends with its own "LineNumber: 0 | BytePositionInLine: 8.", which
    // counts from the conversation's start; our message gives the file's byte offset instead.
    private static string ReaderMessage(JsonException e)
    {
        var message = e.Message;
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => value.Length <= 40 ? value : value[..40] + "...";

    // What the parser keeps of a message's metadata: hidden flags, model, 2023 custom instructions.
    private struct MessageMetadata
    {
        public bool Hidden;
        public bool UserSystemMessage;
        public string? ModelSlug;
        public string? AboutUser;
        public string? AboutModel;
    }
}
