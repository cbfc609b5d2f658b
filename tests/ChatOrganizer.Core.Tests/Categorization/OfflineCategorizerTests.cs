using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

/// <summary>The process's one engine for every offline test: the model loads once per test run.</summary>
internal static class TestEngine
{
    public static OfflineEngine Shared { get; } = OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));

    public static ConversationDigest Digest(string title, string user, string? assistant = null, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), title, assistant is null ? $"User: {user}" : $"User: {user}\nAssistant: {assistant}", 0, "");

    public static CategorySet LifeAreas { get; } = new("Life areas",
        [new("Investing"), new("Coding"), new("Health"), new("Travel"), new("Other")]);
}

public class OfflineCategorizerTests
{
    private static readonly OfflineEngine Engine = TestEngine.Shared;

    [Theory]
    [InlineData("Docker build fails", "My container exits with an exception after the git merge, stack trace below", "Programming & Development")]
    [InlineData("Weekend in Lisbon", "Plan two days: where to stay near the old town and how to get from the airport", "Travel")]
    [InlineData("Index funds", "Should I put my savings in an ETF or pay off the mortgage first?", "Finance")]
    [InlineData("Marathon plan", "Sixteen weeks to my first marathon, how many long runs and how much protein", "Health & Fitness")]
    public void TheBuiltInSetFilesEnglishConversationsByWhatTheyAreAbout(string title, string user, string expected)
    {
        var result = new OfflineCategorizer(CategorySet.Default, Engine).Categorize(TestEngine.Digest(title, user));

        Assert.Equal(expected, result.Category);
        Assert.Equal(CategorizationStatus.Categorized, result.Status);
        Assert.Equal(CategorizationEngine.Offline, result.Engine);
        Assert.Null(result.Model);
    }

    [Theory]
    [InlineData("大阪旅行", "下个月去大阪玩五天，帮我排一下行程，酒店住难波附近", "Travel")]
    [InlineData("주식 질문", "미국주식 ETF랑 배당주 중에 뭐가 장기투자에 나을까요", "Investing")]
    [InlineData("React エラー", "useEffect が二回実行されるのはなぜですか？コードはこれです", "Coding")]
    [InlineData("Dolor de cabeza", "Llevo tres días con dolor de cabeza y fiebre, ¿debería ir al médico?", "Health")]
    [InlineData("Flug nach Tokio", "Ich brauche einen Reiseplan für zehn Tage Japan, Hotel in Tokio und Kyoto", "Travel")]
    public void AnEnglishNamesOnlySetFilesConversationsInOtherLanguages(string title, string user, string expected)
    {
        var result = new OfflineCategorizer(TestEngine.LifeAreas, Engine).Categorize(TestEngine.Digest(title, user));

        Assert.Equal(expected, result.Category);
    }

    [Fact]
    public void AKoreanSetFilesKoreanConversationsAndItsOwnCatchAllIsItsOther()
    {
        var set = new CategorySet("내 주제", [new("투자"), new("코딩"), new("건강"), new("여행"), new("기타")]);
        var categorizer = new OfflineCategorizer(set, Engine);

        var results = categorizer.Categorize(
        [
            TestEngine.Digest("새 채팅", "주식투자에서 손절은 언제 해야 하나요? 수익률이 -20%예요"),
            TestEngine.Digest("파이썬 오류", "리스트 인덱스 에러가 나요 for문에서 코드 좀 봐주세요"),
            TestEngine.Digest("ㅋㅋ", "ㅋㅋㅋㅋ 아 진짜"),
        ]);

        Assert.Equal(["투자", "코딩", "기타"], results.Select(r => r.Category));
        Assert.Equal(5, set.EffectiveCategories.Count); // 기타 is the set's Other: no English one is added
        Assert.Contains("주식", results[0].Reason);
    }

    [Fact]
    public void NothingCloseEnoughGoesToOtherAndTheReasonSaysWhatWasNearest()
    {
        var result = new OfflineCategorizer(TestEngine.LifeAreas, Engine).Categorize(TestEngine.Digest("Hmm", "qwerty zxcv"));

        Assert.Equal("Other", result.Category);
        Assert.StartsWith("nothing close enough: nearest was ", result.Reason);
        Assert.InRange(result.Confidence!.Value, 0, 1);
    }

    [Fact]
    public void AReasonNamesTheCategoryItsClosenessAndTheWordsThatDecided()
    {
        var result = new OfflineCategorizer(TestEngine.LifeAreas, Engine)
            .Categorize(TestEngine.Digest("오사카 여행", "오사카 여행 일정이랑 비자 필요한지 알려줘, Osaka Castle 근처 호텔"));

        Assert.Equal("Travel", result.Category);
        Assert.Matches(@"^closest to Travel \(-?\d\.\d\d\); words: ", result.Reason);
        Assert.Contains("여행", result.Reason);
        Assert.InRange(result.Confidence!.Value, 0.3, 1);
    }

    [Fact]
    public void ASetWithoutACatchAllFilesEveryConversationUnderOneOfItsCategories()
    {
        var set = new CategorySet("Two", [new("Cooking"), new("Gardening")], AllowNewCategories: true);

        var result = new OfflineCategorizer(set, Engine).Categorize(TestEngine.Digest("Hmm", "qwerty zxcv"));

        Assert.Contains(result.Category, new[] { "Cooking", "Gardening" });
    }

    [Fact]
    public void ALabelledExampleDecidesForAConversationLikeIt()
    {
        var set = new CategorySet("Work and home", [new("Work"), new("Home"), new("Other")]);
        var digest = TestEngine.Digest("Sourdough starter", "My sourdough starter smells like acetone after feeding, is it dead?");
        var without = new OfflineCategorizer(set, Engine).Categorize(digest);
        var example = new LabelledExample(TestEngine.Digest("Starter not rising", "sourdough starter smells of acetone and does not rise after feeding"), "Work");

        var with = new OfflineCategorizer(set, Engine, [example]).Categorize(digest);

        Assert.NotEqual("Work", without.Category);
        Assert.Equal("Work", with.Category);
        Assert.Contains("which you filed there", with.Reason);
    }

    [Fact]
    public void AnExampleFiledUnderACategoryTheSetLacksIsIgnored()
    {
        var example = new LabelledExample(TestEngine.Digest("Sourdough", "sourdough starter smells of acetone"), "Baking");
        var digest = TestEngine.Digest("Sourdough starter", "My sourdough starter smells like acetone after feeding");

        var result = new OfflineCategorizer(TestEngine.LifeAreas, Engine, [example]).Categorize(digest);

        Assert.NotEqual("Baking", result.Category);
    }

    [Fact]
    public void EveryAssignmentOfARunComesBackInOrderWithAConfidence()
    {
        var digests = Enumerable.Range(0, 30).Select(i => TestEngine.Digest($"Trip {i}", $"Flights and hotels for a trip to city number {i}", id: $"c{i}")).ToList();

        var results = new OfflineCategorizer(TestEngine.LifeAreas, Engine).Categorize(digests);

        Assert.Equal(digests.Select(d => d.ConversationId), results.Select(r => r.ConversationId));
        Assert.All(results, r => Assert.InRange(r.Confidence!.Value, 0, 1));
        Assert.All(results, r => Assert.Equal("Travel", r.Category));
    }
}

public class TextAnalyzerTests
{
    [Fact]
    public void LatinWordsGluedToHangulReachTheModelAndHangulStaysInSyllables()
    {
        var analyzed = TextAnalyzer.Shared.Analyze("React에서 useEffect가 두 번 실행돼요");

        Assert.Equal("React useEffect", analyzed.LatinText);
        Assert.Contains(analyzed.Runs, r => r.Text == "에서" && r.Script == Script.Hangul);
        Assert.Contains(analyzed.Glosses, g => g.Surface == "실행");
    }

    [Fact]
    public void AKoreanNounWithItsParticleIsGlossed()
    {
        var analyzed = TextAnalyzer.Shared.Analyze("주식투자에서 손절");

        Assert.Contains(analyzed.Glosses, g => g.Surface == "주식" && g.English.Contains("stock"));
        Assert.Contains(analyzed.Glosses, g => g.Surface == "투자");
    }

    [Fact]
    public void AOneSyllableKoreanWordMatchesOnlyAloneOrWithAParticle()
    {
        Assert.Contains(TextAnalyzer.Shared.Analyze("약을 먹었어요").Glosses, g => g.Surface == "약");
        Assert.DoesNotContain(TextAnalyzer.Shared.Analyze("약속이 있어요").Glosses, g => g.Surface == "약");
    }

    [Fact]
    public void ChineseIsReadLongestWordFirst()
    {
        var glosses = TextAnalyzer.Shared.Analyze("pandas 数据分析 中文乱码").Glosses;

        Assert.Equal(["数据分析", "乱码"], glosses.Select(g => g.Surface));
    }

    [Fact]
    public void SpanishAndGermanAreGlossedOnlyWhenTheTextIsInThem()
    {
        Assert.Contains(TextAnalyzer.Shared.Analyze("¿Cómo puedo mejorar mi programación en Python para el trabajo?").Glosses, g => g.English.Contains("programming"));
        Assert.Contains(TextAnalyzer.Shared.Analyze("Ich schreibe eine Bewerbung für die Stelle und brauche Hilfe").Glosses, g => g.English.Contains("application"));
        Assert.Empty(TextAnalyzer.Shared.Analyze("the red car and the media").Glosses);
    }

    [Fact]
    public void CatchAllNamesInOtherLanguagesAreTheSetsOther()
    {
        foreach (var name in new[] { "Other", "기타", "其他", "その他", "Otros", "Sonstiges" })
        {
            var set = new CategorySet("Mine", [new("Travel"), new(name)]);
            Assert.Equal(name, set.CatchAll?.Name);
            Assert.Equal(2, set.EffectiveCategories.Count);
        }
    }
}
