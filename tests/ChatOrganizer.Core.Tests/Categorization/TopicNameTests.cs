using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

/// <summary>Discovered topics are named by what their conversations are about, never by the small words every language is full of.</summary>
public class TopicNameTests
{
    // Function words a person would call noise in a topic's name, per language; Korean particles are checked apart.
    private static readonly HashSet<string> FunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "how", "what", "is", "a", "to", "of", "in", "for", "my", "can", "you", "i", "do", "does", "did", "where",
        "who", "with", "from", "am", "was", "should", "which", "best", "way", "write", "after", "before", "over", "only",
        "el", "la", "los", "las", "de", "que", "y", "cómo", "como", "para", "por", "con", "una", "un", "sobre", "puedo", "qué",
        "cuál", "mejor", "hacer", "quiero", "necesito", "tengo", "sin", "hay", "es", "mis", "ayuda",
        "der", "die", "das", "und", "ich", "wie", "für", "mit", "ein", "eine", "einen", "einem", "über", "kann", "ist", "zum",
        "zur", "am", "mache", "meinen", "meiner", "schreibe", "hilfe", "gibt", "es",
        "的", "了", "是", "在", "我", "你", "怎么", "什么", "吗", "请", "一个", "和", "有", "如何",
        "은", "는", "이", "가", "을", "를", "에", "의", "좀", "어떻게", "뭐", "저", "제", "해주세요", "알려줘",
    };

    private static readonly string[] KoreanParticles = ["은", "는", "이", "가", "을", "를", "에서", "에", "의", "으로", "로", "도", "와", "과"];

    private static readonly IReadOnlyList<ConversationDigest> Run =
    [
        .. Many("en-bread", 6, i => ($"How do I bake the bread {i}", "What is the best way to bake the sourdough bread and how long should the bread rest in the oven?")),
        .. Many("en-python", 6, i => ($"How to fix the python error {i}", "I have the python error in my script and I do not know how to fix the traceback, what does it mean?")),
        .. Many("es-viaje", 6, i => ($"Cómo planear un viaje a Madrid {i}", "¿Qué necesito para mi viaje? Quiero hacer un viaje con mi familia y necesito un hotel para el viaje y la maleta.")),
        .. Many("de-bewerbung", 6, i => ($"Wie schreibe ich eine Bewerbung {i}", "Ich brauche Hilfe mit einer Bewerbung für einen Job, wie kann ich das Anschreiben und den Lebenslauf für die Bewerbung machen?")),
        .. Many("zh-stock", 6, i => ($"我的股票投资是什么 {i}", "我想了解股票的投资，怎么买股票？股票的风险是什么？请告诉我一个投资的方法。")),
        .. Many("ko-health", 6, i => ($"다이어트와 운동 질문 {i}", "운동을 매일 하는데 다이어트가 안 돼요. 운동은 어떻게 하고 식단을 어떻게 짜야 다이어트에 좋을까요? 건강을 위해 운동이 필요해요.")),
    ];

    [Fact]
    public void TopicNamesCarryNoFunctionWordsInAnyLanguage()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(6);

        var words = topics.Where(t => !t.IsRest).SelectMany(t => t.Words).ToList();

        Assert.NotEmpty(words);
        Assert.True(!words.Any(FunctionWords.Contains), $"Function words in the names: {string.Join(" | ", topics.Select(t => t.Name))}");
    }

    [Fact]
    public void AKoreanTopicIsNamedByItsNounsWithoutTheParticlesGluedToThem()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(6);

        var korean = topics.Single(t => t.ConversationIds.Contains("ko-health-0"));

        Assert.Contains(korean.Words, w => w is "운동" or "다이어트" or "건강" or "식단");
        Assert.DoesNotContain(korean.Words, w => KoreanParticles.Any(p => w.Length > p.Length + 1 && w.EndsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void AChineseTopicIsNamedByItsTopicWords()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(6);

        var chinese = topics.Single(t => t.ConversationIds.Contains("zh-stock-0"));

        Assert.Contains(chinese.Words, w => w is "股票" or "投资" or "风险");
    }

    [Fact]
    public void ATopicWhoseConversationsShareNoTopicWordIsNamedByATitleWithoutItsSmallWords()
    {
        IReadOnlyList<ConversationDigest> run =
        [
            TestEngine.Digest("How do I do this", "What is it and how can I do it?", id: "a"),
            TestEngine.Digest("What should I do", "Can you tell me what to do?", id: "b"),
        ];

        var topic = Assert.Single(ConversationMap.Build(TestEngine.Shared, run).DiscoverTopics(1));

        Assert.DoesNotContain(topic.Name.Split(' ', ',').Where(w => w.Length > 0), FunctionWords.Contains);
        Assert.NotEmpty(topic.Name);
    }

    private static IEnumerable<ConversationDigest> Many(string id, int count, Func<int, (string Title, string User)> make) =>
        Enumerable.Range(0, count).Select(i => make(i) is var (title, user) ? TestEngine.Digest(title, user, id: $"{id}-{i}") : null!);
}
