using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

// Discovered topics are named by what their conversations are about, never by the small words every language is full of.
public class TopicNameTests
{
    // Function words a person would call noise in a topic's name, per language; Korean particles are checked apart.
    private static readonly HashSet<string> FunctionWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "and", "how", "what", "is", "a", "to", "of", "in", "for", "my", "can", "you", "i", "do", "does", "did", "where",
        "who", "with", "from", "am", "was", "should", "which", "best", "way", "after", "before", "over", "only",
        "el", "la", "los", "las", "de", "que", "y", "cómo", "como", "para", "por", "con", "una", "un", "sobre", "puedo", "qué",
        "cuál", "mejor", "hacer", "quiero", "necesito", "tengo", "sin", "hay", "es", "mis", "ayuda",
        "der", "die", "das", "und", "ich", "wie", "für", "mit", "ein", "eine", "einen", "einem", "über", "kann", "ist", "zum",
        "zur", "am", "mache", "meinen", "meiner", "schreibe", "hilfe", "gibt", "es",
        "的", "了", "是", "在", "我", "你", "怎么", "什么", "吗", "请", "一个", "和", "有", "如何",
        "은", "는", "이", "가", "을", "를", "에", "의", "좀", "어떻게", "뭐", "저", "제", "해주세요", "알려줘",
    };

    private static readonly string[] KoreanParticles = ["은", "는", "이", "가", "을", "를", "에서", "에", "의", "으로", "로", "도", "와", "과"];

    // Two subjects in each language, as real histories have: one language's conversations are centred apart.
    private static readonly IReadOnlyList<ConversationDigest> Run =
    [
        .. Many("en-bread", ["sourdough", "rye", "banana", "brioche"], w => ($"How do I bake the {w} bread", $"What is the best way to bake the {w} bread and how long should the dough rest before the oven?")),
        .. Many("en-python", ["KeyError", "TypeError", "IndexError", "ValueError"], w => ($"How to fix the python {w}", $"I have the python {w} in my script and I do not know how to fix the traceback of the function.")),
        .. Many("es-viaje", ["Madrid", "Sevilla", "Lisboa", "Roma"], w => ($"Cómo planear un viaje a {w}", $"¿Qué necesito para mi viaje a {w}? Quiero hacer un viaje con mi familia y necesito un hotel y un vuelo.")),
        .. Many("es-receta", ["paella", "tortilla", "gazpacho", "croquetas"], w => ($"Receta de {w}", $"¿Cómo puedo hacer una receta de {w} para la cena? Necesito los ingredientes y cuánto tiempo en la cocina.")),
        .. Many("de-bewerbung", ["Lehrer", "Ingenieur", "Pfleger", "Koch"], w => ($"Wie schreibe ich eine Bewerbung als {w}", $"Ich brauche Hilfe mit einer Bewerbung als {w}, wie kann ich das Anschreiben und den Lebenslauf für die Stelle machen?")),
        .. Many("de-garten", ["Tomaten", "Rosen", "Kartoffeln", "Erdbeeren"], w => ($"Wann pflanze ich {w} im Garten", $"Wie und wann soll ich {w} im Garten pflanzen, und wie oft muss ich die Pflanzen gießen?")),
        .. Many("zh-stock", ["苹果", "腾讯", "茅台", "特斯拉"], w => ($"{w}的股票是什么情况", $"我想了解{w}的股票投资，怎么买股票？股票的风险是什么？请告诉我一个投资的方法。")),
        .. Many("zh-travel", ["北京", "上海", "东京", "巴黎"], w => ($"去{w}旅游的攻略", $"我想去{w}旅游，旅游的酒店和机票怎么订？请帮我做一个旅游的行程。")),
        .. Many("ko-health", ["아침", "저녁", "주말", "매일"], w => ($"{w} 운동과 다이어트", $"{w} 운동을 하는데 다이어트가 안 돼요. 운동은 어떻게 하고 식단을 어떻게 짜야 다이어트에 좋을까요? 건강을 위해 운동이 필요해요.")),
        .. Many("ko-stock", ["삼성", "애플", "테슬라", "네이버"], w => ($"{w} 주식투자에서 손실", $"{w} 주식을 샀는데 주식투자에서 손실이 났어요. 주식은 언제 팔아야 하나요? 투자를 계속해도 될까요?")),
    ];

    [Fact]
    public void TopicNamesCarryNoFunctionWordsInAnyLanguage()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(10);

        var words = topics.Where(t => !t.IsRest).SelectMany(t => t.Words).ToList();

        Assert.NotEmpty(words);
        Assert.True(!words.Any(FunctionWords.Contains), $"Function words in the names: {string.Join(" | ", topics.Select(t => t.Name))}");
    }

    [Fact]
    public void AKoreanTopicIsNamedByItsNounsWithoutTheParticlesGluedToThem()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(10);

        var korean = topics.Single(t => t.ConversationIds.Contains("ko-health-0"));

        Assert.Contains(korean.Words, w => w is "운동" or "다이어트" or "건강" or "식단");
        Assert.DoesNotContain(korean.Words, w => KoreanParticles.Any(p => w.Length > p.Length + 1 && w.EndsWith(p, StringComparison.Ordinal)));
    }

    [Fact]
    public void AChineseTopicIsNamedByItsTopicWords()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(10);

        var chinese = topics.Single(t => t.ConversationIds.Contains("zh-stock-0"));

        Assert.Contains(chinese.Words, w => w is "股票" or "投资" or "风险");
    }

    [Fact]
    public void ATopicWhoseConversationsShareNoTopicWordIsNamedByATitlesOwnWords()
    {
        IReadOnlyList<ConversationDigest> run =
        [
            TestEngine.Digest("How do I do this with Kubernetes?", "What is it and how can I do it?", id: "a"),
            TestEngine.Digest("What should I do about Grafana", "Can you tell me what to do?", id: "b"),
        ];

        var topic = Assert.Single(ConversationMap.Build(TestEngine.Shared, run).DiscoverTopics(1));

        Assert.Empty(topic.Words);
        Assert.Contains(topic.Name, new[] { "Kubernetes", "Grafana" });
    }

    private static IEnumerable<ConversationDigest> Many(string id, string[] variants, Func<string, (string Title, string User)> make) =>
        variants.Select((variant, i) => make(variant) is var (title, user) ? TestEngine.Digest(title, user, id: $"{id}-{i}") : null!);
}
