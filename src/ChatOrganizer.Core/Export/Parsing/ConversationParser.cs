using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ChatOrganizer.Export.Json;

namespace ChatOrganizer.Export.Parsing;

// Turns one conversation's JSON into a Conversation, straight from JsonElementStream's buffer. It
// materializes only what the model keeps (node ids, message fields, text); metadata and moderation
// results are skipped unread. Damage in a conversation becomes a diagnostic; JSON syntax errors
// and bytes that are not UTF-8 are left to JsonElementStream, which stops the reading.
internal sealed partial class ConversationParser(string file, ExportReaderOptions options, AssetNames assetNames)
{
    private static readonly JsonPropertyMap<ConversationField> ConversationFields = new(
        ("mapping", ConversationField.Mapping), ("title", ConversationField.Title), ("create_time", ConversationField.CreateTime),
        ("update_time", ConversationField.UpdateTime), ("current_node", ConversationField.CurrentNode), ("id", ConversationField.Id),
        ("conversation_id", ConversationField.ConversationId), ("default_model_slug", ConversationField.DefaultModel),
        ("gizmo_id", ConversationField.GizmoId), ("gizmo_type", ConversationField.GizmoType),
        ("is_archived", ConversationField.IsArchived), ("is_starred", ConversationField.IsStarred));

    private static readonly JsonPropertyMap<MessageField> MessageFields = new(
        ("id", MessageField.Id), ("author", MessageField.Author), ("create_time", MessageField.CreateTime),
        ("update_time", MessageField.UpdateTime), ("content", MessageField.Content), ("status", MessageField.Status),
        ("metadata", MessageField.Metadata), ("recipient", MessageField.Recipient), ("channel", MessageField.Channel));

    private readonly ContentRenderer _renderer = new(assetNames);
    private readonly MessageContentReader _contentReader = new(options.MaxStringBytes);
    private readonly ConversationDiagnostics _diagnostics = new();
    private readonly Utf8StringPool _pool = new();
    private readonly long _maxString = options.MaxStringBytes;

    // Reused from one conversation to the next: nothing that outlives a conversation points into them.
    private readonly List<NodeDraft> _nodes = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly List<string> _children = [];
    private string? _nodeId;

    private enum ConversationField
    {
        Other,
        Mapping,
        Title,
        CreateTime,
        UpdateTime,
        CurrentNode,
        Id,
        ConversationId,
        DefaultModel,
        GizmoId,
        GizmoType,
        IsArchived,
        IsStarred,
    }

    private enum MessageField
    {
        Other,
        Id,
        Author,
        CreateTime,
        UpdateTime,
        Content,
        Status,
        Metadata,
        Recipient,
        Channel,
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public Conversation Parse(ref Utf8JsonReader reader, JsonElementInfo element)
    {
        _diagnostics.Clear();
        _nodes.Clear();
        _index.Clear();
        _nodeId = null;
        if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
        {
            var location = new ConversationLocation(file, element.Index) { Offset = element.Offset };
            var found = reader.TokenType;
            JsonRead.Skip(ref reader);
            _diagnostics.Error("$", $"The conversation is {JsonTokens.Describe(found)}, not an object; there is nothing to read.");
            return new Conversation { Location = location, Id = null, Tree = MessageTree.Empty, Diagnostics = _diagnostics.ToList(file, element.Index, null) };
        }

        return ParseConversation(ref reader, element);
    }

    // A conversation JsonElementStream skipped because it broke a limit: it is reported, not lost.
    public Conversation Skipped(JsonElementInfo element)
    {
        var diagnostic = LimitBroken(element, consequence: "it was skipped");
        return new Conversation { Location = new ConversationLocation(file, element.Index) { Offset = element.Offset }, Id = null, Tree = MessageTree.Empty, Diagnostics = [diagnostic] };
    }

    // Which limit an element broke and where it starts; consequence says what came of it.
    public Diagnostic LimitBroken(JsonElementInfo element, string consequence)
    {
        var reason = element.Limit switch
        {
            JsonElementLimit.TooLarge => $"The conversation is larger than {options.MaxConversationBytes:N0} bytes (ExportReaderOptions.MaxConversationBytes)",
            JsonElementLimit.TooDeep => $"The conversation nests deeper than {options.MaxDepth} levels (ExportReaderOptions.MaxDepth)",
            _ => $"The conversation holds a string longer than {options.MaxStringBytes:N0} bytes (ExportReaderOptions.MaxStringBytes)",
        };
        return new Diagnostic(DiagnosticSeverity.Error, file, element.Index, null, null, $"{reason}; {consequence}. It starts at byte {element.Offset}.");
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Conversation ParseConversation(ref Utf8JsonReader reader, JsonElementInfo element)
    {
        string? id = null, conversationId = null, title = null, defaultModel = null, gizmoId = null, gizmoType = null, currentNode = null;
        DateTimeOffset? createTime = null, updateTime = null;
        bool archived = false, starred = false, hasMapping = false;

        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (ConversationFields.Find(ref reader))
            {
                case ConversationField.Mapping:
                    JsonRead.Next(ref reader);
                    hasMapping = ReadMapping(ref reader);
                    break;
                case ConversationField.Title: title = ReadString(ref reader, ".title"); break;
                case ConversationField.CreateTime: createTime = ReadTime(ref reader, ".create_time", out _); break;
                case ConversationField.UpdateTime: updateTime = ReadTime(ref reader, ".update_time", out _); break;
                case ConversationField.CurrentNode: currentNode = ReadString(ref reader, ".current_node", pooled: true); break;
                case ConversationField.Id: id = ReadString(ref reader, ".id"); break;
                case ConversationField.ConversationId: conversationId = ReadString(ref reader, ".conversation_id"); break;
                case ConversationField.DefaultModel: defaultModel = ReadString(ref reader, ".default_model_slug", pooled: true); break;
                case ConversationField.GizmoId: gizmoId = ReadString(ref reader, ".gizmo_id"); break;
                case ConversationField.GizmoType: gizmoType = ReadString(ref reader, ".gizmo_type", pooled: true); break;
                case ConversationField.IsArchived: archived = ReadBool(ref reader, ".is_archived"); break;
                case ConversationField.IsStarred: starred = ReadBool(ref reader, ".is_starred"); break;
                default: JsonRead.SkipValue(ref reader); break;
            }
        }

        // `id`, else `conversation_id` (some 2023 exports have only `id`; an empty one counts as none).
        var conversationKey = string.IsNullOrEmpty(id) ? conversationId : id;
        if (!hasMapping)
        {
            _diagnostics.Warn("$.mapping", "The conversation has no mapping (a folder or project entry, or damage); it has no messages.");
        }

        var (tree, instructions) = BuildTree(currentNode);
        return new Conversation
        {
            // The reader started at the conversation's first byte, and is past its end.
            Location = new ConversationLocation(file, element.Index) { Offset = element.Offset, Length = reader.BytesConsumed },
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
            Diagnostics = _diagnostics.ToList(file, element.Index, conversationKey),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (MessageTree Tree, CustomInstructions? Instructions) BuildTree(string? currentNode)
    {
        var (nodes, index) = (_nodes, _index);
        var children = new IReadOnlyList<string>[nodes.Count];
        var anyChildrenList = false;
        foreach (var node in nodes) anyChildrenList |= node.Children is not null;
        if (anyChildrenList)
        {
            for (var i = 0; i < nodes.Count; i++) children[i] = PresentChildren(nodes[i].Children, index);
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
        List<string>? branchPoints = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            messageNodes[i] = new MessageNode(nodes[i].Id, nodes[i].ParentId, children[i], nodes[i].Message);
            if (children[i].Count >= 2) (branchPoints ??= []).Add(nodes[i].Id);
        }

        var (path, positions) = ActivePath.Find(nodes, children, index, currentNode, _diagnostics);
        CustomInstructions? instructions = null;
        foreach (var at in positions)
        {
            if ((instructions = nodes[at].CustomInstructions) is not null) break;
        }

        foreach (var node in nodes)
        {
            if ((instructions ??= node.CustomInstructions) is not null) break;
        }

        return (MessageTree.Create(messageNodes, path, (IReadOnlyList<string>?)branchPoints ?? [], ActiveMessages(nodes, positions)), instructions);
    }

    // A node on the path can hold a message that could not be read: it has no message to show.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Message[] ActiveMessages(List<NodeDraft> nodes, int[] positions)
    {
        var count = 0;
        foreach (var at in positions) count += nodes[at].Message is null ? 0 : 1;
        var messages = new Message[count];
        count = 0;
        foreach (var at in positions)
        {
            if (nodes[at].Message is { } message) messages[count++] = message;
        }

        return messages;
    }

    // Children present in the mapping, in listed order (a listed child can be missing from a trimmed export).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static IReadOnlyList<string> PresentChildren(string[]? listed, Dictionary<string, int> index)
    {
        if (listed is null || listed.Length == 0) return [];
        foreach (var child in listed)
        {
            if (!index.ContainsKey(child)) return Array.FindAll(listed, index.ContainsKey);
        }

        return listed;
    }

    // Returns whether `mapping` is an object (the reference counts only that as having a mapping).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadMapping(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error("$.mapping", $"mapping is {JsonTokens.Describe(reader.TokenType)}, not an object; its messages could not be read.");
            JsonRead.Skip(ref reader);
            return false;
        }

        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            var key = _pool.Get(ref reader, _maxString);
            _nodeId = key;
            if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
            {
                _diagnostics.Error(NodePath(""), $"The node is {JsonTokens.Describe(reader.TokenType)}, not an object; it was left out.");
                JsonRead.Skip(ref reader);
                continue;
            }

            var node = ReadNode(ref reader, key);
            ref var position = ref CollectionsMarshal.GetValueRefOrAddDefault(_index, key, out var seen);
            if (seen)
            {
                // Like a JSON parser: the later duplicate wins, in the first one's place.
                _diagnostics.Warn(NodePath(""), "The node appears twice in the mapping; the later one was kept.");
                _nodes[position] = node;
            }
            else
            {
                position = _nodes.Count;
                _nodes.Add(node);
            }
        }

        _nodeId = null;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private NodeDraft ReadNode(ref Utf8JsonReader reader, string key)
    {
        var node = new NodeDraft(key);
        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("message"u8))
            {
                if (JsonRead.Next(ref reader) == JsonTokenType.Null) continue;
                node.HasMessage = true;
                if (reader.TokenType == JsonTokenType.StartObject)
                {
                    ReadMessage(ref reader, ref node);
                }
                else
                {
                    _diagnostics.Error(NodePath(".message"), $"message is {JsonTokens.Describe(reader.TokenType)}, not an object; it could not be read.");
                    JsonRead.Skip(ref reader);
                }
            }
            else if (reader.ValueTextEquals("parent"u8)) node.ParentId = ReadString(ref reader, ".parent", pooled: true);
            else if (reader.ValueTextEquals("children"u8)) node.Children = ReadChildren(ref reader);
            else JsonRead.SkipValue(ref reader);
        }

        return node;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string[]? ReadChildren(ref Utf8JsonReader reader)
    {
        if (JsonRead.Next(ref reader) == JsonTokenType.Null) return null;
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            _diagnostics.Error(NodePath(".children"), $"children is {JsonTokens.Describe(reader.TokenType)}, not an array; it was ignored.");
            JsonRead.Skip(ref reader);
            return null;
        }

        _children.Clear();
        while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType == JsonTokenType.String)
            {
                _children.Add(_pool.Get(ref reader, _maxString));
                continue;
            }

            _diagnostics.Error(NodePath(".children"), $"A child id is {JsonTokens.Describe(reader.TokenType)}, not a string; it was ignored.");
            JsonRead.Skip(ref reader);
        }

        return [.. _children];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadMessage(ref Utf8JsonReader reader, ref NodeDraft node)
    {
        string? id = null, role = null, authorName = null, recipient = null, status = null, channel = null;
        DateTimeOffset? createTime = null, updateTime = null;
        double? rawCreateTime = null;
        var metadata = new MessageMetadata();
        MessageContent? content = null;

        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            switch (MessageFields.Find(ref reader))
            {
                case MessageField.Content:
                    JsonRead.Next(ref reader);
                    content = ReadContent(ref reader);
                    break;
                case MessageField.Author: (role, authorName) = ReadAuthor(ref reader); break;
                case MessageField.Id: id = ReadString(ref reader, ".message.id", pooled: true); break;
                case MessageField.CreateTime: createTime = ReadTime(ref reader, ".message.create_time", out rawCreateTime); break;
                case MessageField.UpdateTime: updateTime = ReadTime(ref reader, ".message.update_time", out _); break;
                case MessageField.Status: status = ReadString(ref reader, ".message.status", pooled: true); break;
                case MessageField.Recipient: recipient = ReadString(ref reader, ".message.recipient", pooled: true); break;
                case MessageField.Channel: channel = ReadString(ref reader, ".message.channel", pooled: true); break;
                case MessageField.Metadata: metadata = ReadMetadata(ref reader); break;
                default: JsonRead.SkipValue(ref reader); break;
            }
        }

        if (role is null) _diagnostics.Warn(NodePath(".message.author"), "The message has no author role.");
        var rendered = content is null ? new RenderedContent("", [], null) : _renderer.Render(content);
        if (rendered.Warning is not null) _diagnostics.Warn(NodePath(".message.content"), rendered.Warning);
        var text = rendered.Text;
        var attachments = WithMetadataFiles(rendered.Attachments, metadata.Files, ref text);
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
            metadata.Hidden || metadata.UserSystemMessage || contentType == "user_editable_context" || IsImageToolNote(role ?? "", authorName, text, attachments.Count),
            text,
            attachments,
            Resolve(metadata.Citations, text));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MessageContent? ReadContent(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error(NodePath(".message.content"), $"content is {JsonTokens.Describe(reader.TokenType)}, not an object; the message has no text.");
            JsonRead.Skip(ref reader);
            return null;
        }

        var content = _contentReader.Read(ref reader, _pool);
        if (content.Problems is { } problems)
        {
            foreach (var (path, reason) in problems) _diagnostics.Error(NodePath(".message.content" + path), reason);
        }

        return content;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (string? Role, string? Name) ReadAuthor(ref Utf8JsonReader reader)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
        {
            if (reader.TokenType != JsonTokenType.Null) _diagnostics.Error(NodePath(".message.author"), $"author is {JsonTokens.Describe(reader.TokenType)}, not an object.");
            JsonRead.Skip(ref reader);
            return (null, null);
        }

        string? role = null, name = null;
        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("role"u8)) role = ReadString(ref reader, ".message.author.role", pooled: true);
            else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader, ".message.author.name", pooled: true);
            else JsonRead.SkipValue(ref reader);
        }

        return (role, name);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private MessageMetadata ReadMetadata(ref Utf8JsonReader reader)
    {
        var metadata = new MessageMetadata();
        if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
        {
            JsonRead.Skip(ref reader);
            return metadata;
        }

        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model_slug"u8)) metadata.ModelSlug = ReadString(ref reader, ".message.metadata.model_slug", pooled: true);
            else if (reader.ValueTextEquals("is_visually_hidden_from_conversation"u8)) metadata.Hidden = ReadBool(ref reader, ".message.metadata.is_visually_hidden_from_conversation");
            else if (reader.ValueTextEquals("is_user_system_message"u8)) metadata.UserSystemMessage = ReadBool(ref reader, ".message.metadata.is_user_system_message");
            else if (reader.ValueTextEquals("attachments"u8)) metadata.Files = ReadMetadataFiles(ref reader, metadata.Files);
            else if (reader.ValueTextEquals("aggregate_result"u8)) metadata.Files = ReadAggregateImages(ref reader, metadata.Files);
            else if (reader.ValueTextEquals("citations"u8)) metadata.Citations = ReadCitations(ref reader, metadata.Citations, references: false);
            else if (reader.ValueTextEquals("content_references"u8)) metadata.Citations = ReadCitations(ref reader, metadata.Citations, references: true);
            else if (reader.ValueTextEquals("user_context_message_data"u8))
            {
                if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
                {
                    JsonRead.Skip(ref reader);
                    continue;
                }

                while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("about_user_message"u8)) metadata.AboutUser = ReadString(ref reader, ".message.metadata.user_context_message_data.about_user_message");
                    else if (reader.ValueTextEquals("about_model_message"u8)) metadata.AboutModel = ReadString(ref reader, ".message.metadata.user_context_message_data.about_model_message");
                    else JsonRead.SkipValue(ref reader);
                }
            }
            else JsonRead.SkipValue(ref reader);
        }

        return metadata;
    }

    // metadata.attachments: the files a person sent with a message ({"id": "file-AbC1", "name": "report.pdf",
    // "size": 123, "mimeType": "application/pdf"}). A message that is only an upload has no other trace of it.
    private List<MetadataFile>? ReadMetadataFiles(ref Utf8JsonReader reader, List<MetadataFile>? files)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartArray)
        {
            JsonRead.Skip(ref reader);
            return files;
        }

        while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                JsonRead.Skip(ref reader);
                continue;
            }

            string? id = null, name = null, mime = null;
            long? size = null;
            while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("id"u8)) id = ReadString(ref reader, ".message.metadata.attachments.id");
                else if (reader.ValueTextEquals("name"u8)) name = ReadString(ref reader, ".message.metadata.attachments.name");
                else if (reader.ValueTextEquals("mimeType"u8) || reader.ValueTextEquals("mime_type"u8)) mime = ReadString(ref reader, ".message.metadata.attachments.mimeType");
                else if (reader.ValueTextEquals("size"u8))
                {
                    if (JsonRead.Next(ref reader) == JsonTokenType.Number && reader.TryGetInt64(out var bytes)) size = bytes;
                    else JsonRead.Skip(ref reader);
                }
                else JsonRead.SkipValue(ref reader);
            }

            if (!string.IsNullOrEmpty(id)) (files ??= []).Add(new MetadataFile(id, name, size, mime));
        }

        return files;
    }

    // metadata.aggregate_result.messages[]: a code interpreter run's output; charts are {"message_type": "image",
    // "image_url": "file-service://file-..."} there and nowhere in the content.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<MetadataFile>? ReadAggregateImages(ref Utf8JsonReader reader, List<MetadataFile>? files)
    {
        if (JsonRead.Next(ref reader) != JsonTokenType.StartObject)
        {
            JsonRead.Skip(ref reader);
            return files;
        }

        while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("messages"u8) || JsonRead.Next(ref reader) != JsonTokenType.StartArray)
            {
                JsonRead.SkipValue(ref reader);
                continue;
            }

            while (JsonRead.Next(ref reader) != JsonTokenType.EndArray)
            {
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    JsonRead.Skip(ref reader);
                    continue;
                }

                string? type = null, url = null;
                while (JsonRead.Next(ref reader) == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("message_type"u8)) type = ReadString(ref reader, ".message.metadata.aggregate_result.messages.message_type", pooled: true);
                    else if (reader.ValueTextEquals("image_url"u8)) url = ReadString(ref reader, ".message.metadata.aggregate_result.messages.image_url");
                    else JsonRead.SkipValue(ref reader);
                }

                if (type == "image" && !string.IsNullOrEmpty(url)) (files ??= []).Add(new MetadataFile(url, null, null, "image/png"));
            }
        }

        return files;
    }

    // Attachments named in metadata that the content does not point at already (same file id).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private IReadOnlyList<Attachment> WithMetadataFiles(IReadOnlyList<Attachment> attachments, List<MetadataFile>? files, ref string text)
    {
        if (files is null) return attachments;
        var all = attachments.ToList();
        var markers = new List<string>();
        foreach (var file in files)
        {
            var pointer = file.Id.Contains("://", StringComparison.Ordinal) ? file.Id : "file-service://" + file.Id;
            var known = all.FindIndex(a => SameFile(a.AssetPointer, pointer));
            if (known >= 0)
            {
                // The content's pointer has no name of its own when the export renames the file: the person's name wins.
                if (all[known].Name is null || all[known].Name == Path.GetFileName(all[known].File)) all[known] = all[known] with { Name = file.Name ?? all[known].Name };
                continue;
            }

            var kind = file.MimeType?.StartsWith("image/", StringComparison.Ordinal) == true ? "image" : "file";
            var attachment = new Attachment(kind, pointer, assetNames.FindOriginalName(pointer) ?? file.Name ?? assetNames.Find(pointer), file.SizeBytes, file.MimeType, assetNames.FindFile(pointer));
            all.Add(attachment);
            markers.Add(attachment.Marker);
        }

        if (markers.Count > 0) text = text.Length == 0 ? string.Join(' ', markers) : text + "\n" + string.Join(' ', markers);
        return all;
    }

    private static bool SameFile(string a, string b) =>
        string.Equals(a[(a.IndexOf("://", StringComparison.Ordinal) + 1)..].TrimStart('/'), b[(b.IndexOf("://", StringComparison.Ordinal) + 1)..].TrimStart('/'), StringComparison.Ordinal);

    // DALL·E's note to the model after its images ("DALL·E displayed 1 images. ... do not mention anything about
    // downloading to the user."): a tool message ChatGPT never shows. Older exports spell the dot as 路 or ·.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool IsImageToolNote(string role, string? authorName, string text, int attachments) =>
        role == "tool" && attachments == 0 && authorName?.StartsWith("dalle", StringComparison.Ordinal) == true
        && System.Text.RegularExpressions.Regex.IsMatch(text, @"^\s*DALL.{1,2}E (displayed|returned)", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));

    // Short repeated values (ids, roles, model names) come from the pool.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private string? ReadString(ref Utf8JsonReader reader, string path, bool pooled = false)
    {
        switch (JsonRead.Next(ref reader))
        {
            case JsonTokenType.String:
                return pooled ? _pool.Get(ref reader, _maxString) : JsonRead.Text(ref reader, _maxString);
            case JsonTokenType.Null:
                return null;
            default:
                _diagnostics.Error(PathOf(path), $"Expected a string, found {JsonTokens.Describe(reader.TokenType)}; it was left empty.");
                JsonRead.Skip(ref reader);
                return null;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private bool ReadBool(ref Utf8JsonReader reader, string path)
    {
        switch (JsonRead.Next(ref reader))
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False or JsonTokenType.Null:
                return false;
            default:
                _diagnostics.Error(PathOf(path), $"Expected true or false, found {JsonTokens.Describe(reader.TokenType)}; read as false.");
                JsonRead.Skip(ref reader);
                return false;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private DateTimeOffset? ReadTime(ref Utf8JsonReader reader, string path, out double? seconds)
    {
        seconds = null;
        switch (JsonRead.Next(ref reader))
        {
            case JsonTokenType.Number:
                var time = reader.TryGetDouble(out var value) ? UnixTime.FromSeconds(value) : null;
                if (time is null) _diagnostics.Warn(PathOf(path), $"{Encoding.UTF8.GetString(reader.ValueSpan)} is not a time between the years 1 and 9999; it was left empty.");
                else seconds = value;
                return time;
            case JsonTokenType.Null:
                return null;
            default:
                var found = reader.TokenType == JsonTokenType.String ? $"\"{Shorten(JsonRead.Text(ref reader, _maxString))}\"" : JsonTokens.Describe(reader.TokenType);
                _diagnostics.Warn(PathOf(path), $"Expected a time in Unix seconds, found {found}; it was left empty.");
                JsonRead.Skip(ref reader);
                return null;
        }
    }

    // JSON paths are built only when something is reported: inside a node from its id, else from the conversation.
    private string NodePath(string suffix) => $"$.mapping['{_nodeId}']{suffix}";

    private string PathOf(string suffix) => _nodeId is null ? "$" + suffix : NodePath(suffix);

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Shorten(string value) => TextCut.Fit(value, 43, "...");

    // What the parser keeps of a message's metadata: hidden flags, model, 2023 custom instructions, files, citations.
    private struct MessageMetadata
    {
        public bool Hidden;
        public bool UserSystemMessage;
        public string? ModelSlug;
        public string? AboutUser;
        public string? AboutModel;
        public List<MetadataFile>? Files;
        public List<CitationDraft>? Citations;
    }

    private sealed record MetadataFile(string Id, string? Name, long? SizeBytes, string? MimeType);
}
