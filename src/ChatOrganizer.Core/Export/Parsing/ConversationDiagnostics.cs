using System.Runtime.CompilerServices;

namespace ChatOrganizer.Export.Parsing;

// Findings gathered while one conversation is parsed; file, index and id are stamped at the end,
// because the id comes last in an exported conversation.
internal sealed class ConversationDiagnostics
{
    private readonly List<(DiagnosticSeverity Severity, string? JsonPath, string Reason)> _items = [];

    public bool Any => _items.Count > 0;

    public void Warn(string? jsonPath, string reason) => _items.Add((DiagnosticSeverity.Warning, jsonPath, reason));

    public void Error(string? jsonPath, string reason) => _items.Add((DiagnosticSeverity.Error, jsonPath, reason));

    public void Clear() => _items.Clear();

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public IReadOnlyList<Diagnostic> ToList(string file, int index, string? conversationId) =>
        _items.Count == 0 ? [] : _items.Select(d => new Diagnostic(d.Severity, file, index, conversationId, d.JsonPath, d.Reason)).ToArray();
}
