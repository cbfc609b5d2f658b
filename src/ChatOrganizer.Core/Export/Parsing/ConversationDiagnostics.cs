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
    public IReadOnlyList<Diagnostic> ToList(string file, int index, string? conversationId)
    {
        if (_items.Count == 0) return [];
        var diagnostics = new Diagnostic[_items.Count];
        for (var i = 0; i < diagnostics.Length; i++)
        {
            var (severity, jsonPath, reason) = _items[i];
            diagnostics[i] = new Diagnostic(severity, file, index, conversationId, jsonPath, reason);
        }

        return diagnostics;
    }
}
