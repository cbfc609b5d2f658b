namespace ChatOrganizer.Categorization.Offline;

// Common topics with the English words their conversations use (Topics.txt, embedded), so a category given only a
// name ("Coding", "건강", "Finanzas") is read with a vocabulary, in every language the gloss lexicon reads.
internal sealed class TopicInventory
{
    private static readonly Lazy<TopicInventory> Loaded = new(Load);

    private TopicInventory(IReadOnlyList<Topic> topics) => Topics = topics;

    public static TopicInventory Shared => Loaded.Value;

    public IReadOnlyList<Topic> Topics { get; }

    // The topics one of whose names is among these terms (every word of a two-word name).
    public IEnumerable<Topic> Named(IReadOnlySet<string> terms) =>
        Topics.Where(t => t.Names.Any(name => name.All(terms.Contains)));

    private static TopicInventory Load()
    {
        using var stream = typeof(TopicInventory).Assembly.GetManifestResourceStream("ChatOrganizer.Categorization.Offline.Topics.txt")!;
        using var reader = new StreamReader(stream);
        var topics = new List<Topic>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0 || line[0] == '#') continue;
            var parts = line.Split('|', 2, StringSplitOptions.TrimEntries);
            var names = parts[0].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(n => n.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => Terms.Of(TextAnalyzer.Fold(w))).OfType<string>().ToArray())
                .Where(n => n.Length > 0)
                .ToArray();
            topics.Add(new Topic(parts[0].Split(',')[0].Trim(), names, parts[1]));
        }
        return new TopicInventory(topics);
    }
}

// Names: Each name as its terms ("technical support": technical, support).
// Words: Space-separated English words, read like keywords.
internal sealed record Topic(string Label, string[][] Names, string Words);
