using System.Runtime.CompilerServices;

namespace ChatOrganizer.Export.Parsing;

// The branch the person last saw: parent links from current_node up to the root. Same rules as
// the reference reading (shared/tools/reference_inspect.py), which conformance checks against.
internal static class ActivePath
{
    // Node ids root to leaf, and their positions in nodes.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static (string[] Path, int[] Positions) Find(
        List<NodeDraft> nodes,
        IReadOnlyList<string>[] children,
        Dictionary<string, int> index,
        string? currentNode,
        ConversationDiagnostics diagnostics)
    {
        if (nodes.Count == 0) return ([], []);
        if (currentNode is null || !index.ContainsKey(currentNode))
        {
            var leaf = NewestLeaf(nodes, children);
            diagnostics.Warn("$.current_node", currentNode is null
                ? $"current_node is missing; the active path ends at the newest leaf '{leaf}'."
                : $"current_node '{currentNode}' is not in the mapping; the active path ends at the newest leaf '{leaf}'.");
            currentNode = leaf;
        }

        // Leaf to root into scratch space on the stack (a path visits each node at most once), then turned around.
        const int OnStack = 256;
        var walked = nodes.Count <= OnStack ? stackalloc int[OnStack] : new int[nodes.Count];
        var seen = nodes.Count <= OnStack ? stackalloc bool[OnStack] : new bool[nodes.Count];
        var count = 0;
        var current = currentNode;
        while (current is not null && index.TryGetValue(current, out var at))
        {
            if (seen[at])
            {
                diagnostics.Warn($"$.mapping['{current}'].parent", $"Parent links loop back to '{current}'; the active path stops there.");
                break;
            }

            seen[at] = true;
            if (nodes[at].HasMessage) walked[count++] = at;
            current = nodes[at].ParentId;
        }

        var positions = new int[count];
        var path = new string[count];
        for (var i = 0; i < count; i++)
        {
            positions[i] = walked[count - 1 - i];
            path[i] = nodes[positions[i]].Id;
        }

        return (path, positions);
    }

    // The childless node with the largest message create_time; the last one in document order on
    // ties, or when no leaf has a time.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? NewestLeaf(List<NodeDraft> nodes, IReadOnlyList<string>[] children)
    {
        string? best = null;
        double? bestTime = null;
        for (var i = 0; i < nodes.Count; i++)
        {
            if (children[i].Count > 0) continue;
            var time = nodes[i].MessageCreateTime;
            if (best is null || (time is not null && (bestTime is null || time >= bestTime)) || (time is null && bestTime is null))
            {
                best = nodes[i].Id;
                bestTime = time ?? bestTime;
            }
        }

        return best;
    }
}
