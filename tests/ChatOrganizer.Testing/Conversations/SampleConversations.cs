using ChatOrganizer.Export;

namespace ChatOrganizer.Testing.Conversations;

// Conversations shaped the way the reader produces them, for tests that need more than one straight path.
public static class SampleConversations
{
    // "Bread": root → question → { first answer (an earlier regeneration), latest answer (active) }, with custom
    // instructions; node ids q, a-old, a-new, all messages at 2024-03-01 09:00 UTC.
    public static Conversation RegeneratedAnswer()
    {
        static Message Says(string id, string role, string text) =>
            new(id, role, null, "all", "text", role == "assistant" ? "gpt-4o" : null, new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero),
                null, "finished_successfully", null, false, text, []);
        MessageNode[] nodes =
        [
            new("root", null, ["q"], null),
            new("q", "root", ["a-old", "a-new"], Says("q", "user", "How do I bake bread?")),
            new("a-old", "q", [], Says("a-old", "assistant", "Use flour and water.")),
            new("a-new", "q", [], Says("a-new", "assistant", "Use a hot oven.")),
        ];
        return new Conversation
        {
            Location = new ConversationLocation("conversations.json", 0),
            Id = "bread",
            Title = "Bread",
            CreateTime = new DateTimeOffset(2024, 3, 1, 9, 0, 0, TimeSpan.Zero),
            CustomInstructions = new CustomInstructions("I bake on weekends.", "Be brief.", CustomInstructionsSource.UserEditableContext),
            Tree = new MessageTree(nodes, ["q", "a-new"], ["q"]),
        };
    }

    public const string LongKoreanStudyTitle = "옵션 거래 공부 (Options study)";

    // A long Korean study conversation shaped like a 2025 reasoning model's: rounds of a question, its reasoning
    // ("thoughts"), the recap ("Thought for 12 seconds") and a Markdown answer with bold beside Hangul, a table and
    // code; rounds of four messages (75 make 300). Node ids long-m{n}, the user's every fourth.
    public static Conversation LongKoreanStudy(int rounds = 75)
    {
        var builder = ConversationBuilder.Create("long").Titled(LongKoreanStudyTitle);
        for (var round = 1; round <= rounds; round++)
        {
            builder.User($"질문 {round}: 이 도표에서 콜옵션과 풋옵션의 손익 구조를 다시 설명해 줄래? 행사가격이 {100 + round}일 때 만기 손익은 어떻게 되나요?")
                .Thoughts(string.Join(' ', Enumerable.Repeat($"사용자가 행사가격 {100 + round}의 만기 손익을 묻고 있다. 콜옵션은 기초자산 가격이 행사가격보다 높을 때 이익이 생기고, 풋옵션은 반대다. 프리미엄을 빼서 손익분기점을 계산해야 한다.", 4)))
                .Add("assistant", $"Thought for {round % 50 + 3} seconds", contentType: "reasoning_recap")
                .Assistant($"""
                    이 도표는 **콜옵션(Call Option)**에 대한 손익 구조를 보여 줍니다. 행사가격은 **{100 + round}원**입니다.

                    | 구분 | 만기 가격 {90 + round} | 만기 가격 {110 + round} |
                    |---|---|---|
                    | **콜옵션 매수** | -5 | +{5 + round % 7} |
                    | **풋옵션 매수** | +{5 + round % 3} | -5 |

                    - **손익분기점(Break-even)**은 행사가격에 프리미엄을 더한 값입니다.
                    - 풋옵션은 **하락(下落)**에 대비하는 보험과 같습니다.

                    ```python
                    def payoff(price, strike={100 + round}, premium=5):
                        return max(price - strike, 0) - premium
                    ```
                    """);
        }
        return builder.Build();
    }
}
