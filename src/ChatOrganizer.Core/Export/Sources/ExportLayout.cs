using System.Globalization;
using System.Text.RegularExpressions;

namespace ChatOrganizer.Export.Sources;

// Which of an export's files hold what. Conversations: conversations.json, or since 2025
// conversations-000.json, -001, ... read in numeric order; chat.html only when there is neither.
internal sealed partial record ExportLayout(
    IReadOnlyList<ExportEntry> ConversationFiles,
    ExportEntry? ChatHtml,
    ExportEntry? Manifest,
    ExportEntry? User,
    ExportEntry? MessageFeedback,
    ExportEntry? ModelComparisons,
    ExportEntry? SharedConversations,
    ExportEntry? AssetFileNames,
    IReadOnlyList<string> Notes)
{
    public const string ConversationsFile = "conversations.json";
    public const string ChatHtmlFile = "chat.html";
    public const string ManifestFile = "export_manifest.json";
    public const string UserFile = "user.json";
    public const string MessageFeedbackFile = "message_feedback.json";
    public const string ModelComparisonsFile = "model_comparisons.json";
    public const string SharedConversationsFile = "shared_conversations.json";
    public const string AssetFileNamesFile = "conversation_asset_file_names.json";

    private static readonly string[] KnownFiles =
    [
        ConversationsFile, ChatHtmlFile, ManifestFile, UserFile, MessageFeedbackFile, ModelComparisonsFile, SharedConversationsFile, AssetFileNamesFile,
    ];

    // Chat.html is read only when no conversations JSON exists; then it is where the conversations are.
    public bool ReadsChatHtml => ConversationFiles.Count == 0 && ChatHtml is not null;

    public static bool IsExportFile(string name) =>
        KnownFiles.Contains(name, StringComparer.OrdinalIgnoreCase) || ShardPattern().IsMatch(name);

    public static bool IsConversationFile(string name) =>
        string.Equals(name, ConversationsFile, StringComparison.OrdinalIgnoreCase) || ShardPattern().IsMatch(name);

    public static ExportLayout Of(ExportSource source)
    {
        if (source.IsSingleFile)
        {
            var only = source.Entries[0];
            var isHtml = only.Name.EndsWith(".html", StringComparison.OrdinalIgnoreCase) || only.Name.EndsWith(".htm", StringComparison.OrdinalIgnoreCase);
            return new ExportLayout(isHtml ? [] : [only], isHtml ? only : null, null, null, null, null, null, null, []);
        }

        var notes = new List<string>();
        var shards = source.Entries
            .Select(e => (Entry: e, Match: ShardPattern().Match(e.Name)))
            .Where(s => s.Match.Success)
            .OrderBy(s => decimal.Parse(s.Match.Groups[1].Value, CultureInfo.InvariantCulture))
            .ThenBy(s => s.Entry.Name, StringComparer.Ordinal)
            .Select(s => s.Entry)
            .ToList();
        var single = Find(source, ConversationsFile);
        if (single is not null && shards.Count > 0)
        {
            notes.Add($"The export holds both {ConversationsFile} and {shards.Count} conversations-NNN.json files; only the numbered files were read.");
        }

        return new ExportLayout(
            shards.Count > 0 ? shards : single is null ? [] : [single],
            Find(source, ChatHtmlFile),
            Find(source, ManifestFile),
            Find(source, UserFile),
            Find(source, MessageFeedbackFile),
            Find(source, ModelComparisonsFile),
            Find(source, SharedConversationsFile),
            Find(source, AssetFileNamesFile),
            notes);
    }

    private static ExportEntry? Find(ExportSource source, string name) =>
        source.Entries.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^conversations-(\d{1,9})\.json$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ShardPattern();
}
