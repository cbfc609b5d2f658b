using System.Text.Json.Nodes;
using ChatOrganizer.Testing.Conversations;

namespace ChatOrganizer.Testing.Exports;

// conversations.json with the 300-message SampleConversations.LongKoreanStudy (1 January 2024, 12:00 UTC)
// between two short conversations of the same month, one older and one newer: the long page and its neighbours.
public static class LongConversationExport
{
    public const string Title = SampleConversations.LongKoreanStudyTitle;
    public const string OlderTitle = "새해 계획 (New year plans)";
    public const string NewerTitle = "Ski trip packing list";

    public static string Json() => ExportJson.Array(
        ExportJson.Conversation("older", OlderTitle, "올해 목표를 세 가지로 정리해 줘.", "건강, 공부, 저축입니다.", new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero)),
        ExportJson.FromConversation(SampleConversations.LongKoreanStudy()),
        ExportJson.Conversation("newer", NewerTitle, "What should I pack for three days of skiing?", "Layers, goggles and a helmet.", new DateTimeOffset(2024, 1, 20, 8, 0, 0, TimeSpan.Zero)));
}
