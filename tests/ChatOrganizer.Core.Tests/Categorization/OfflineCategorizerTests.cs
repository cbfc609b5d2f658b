using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

// The process's one engine for every offline test: the model loads once per test run.
internal static class TestEngine
{
    public static OfflineEngine Shared { get; } = OfflineEngine.For(new OfflineEngineOptions(OfflineEngineOptions.UserCacheDirectory));

    public static ConversationDigest Digest(string title, string user, string? assistant = null, string? id = null) =>
        new(id ?? Guid.NewGuid().ToString("N"), title, assistant is null ? $"User: {user}" : $"User: {user}\nAssistant: {assistant}", 0, "");

    public static CategorySet LifeAreas { get; } = new("Life areas",
        [new("Investing"), new("Coding"), new("Health"), new("Travel"), new("Other")]);

    // Five of the original tool's ten categories, with one-line descriptions as a person gives them.
    public static CategorySet WorkAndLife { get; } = new("Work and life",
    [
        new("Programming & Development", "Writing, debugging and understanding code, software tools and development work."),
        new("Technical Support", "Fixing problems with devices, apps, accounts, installations, networks and settings, not writing code."),
        new("Writing & Content Creation", "Drafting, editing, rewriting or translating texts such as emails, articles, posts, essays and summaries."),
        new("Creative & Design", "Fiction, poems, songs, role-play, art and image prompts, visual design and other imaginative work."),
        new("Personal Advice", "Personal life and everyday decisions: relationships, family, health, habits, money, cooking, travel and feelings."),
    ]);
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
        Assert.Matches(@"^nothing close enough \(\d{1,3}% sure\): nearest was ", result.Reason);
        Assert.InRange(result.Confidence!.Value, 0, 1);
    }

    [Fact]
    public void AReasonNamesTheCategoryItsClosenessAndTheWordsThatDecided()
    {
        var result = new OfflineCategorizer(TestEngine.LifeAreas, Engine)
            .Categorize(TestEngine.Digest("오사카 여행", "오사카 여행 일정이랑 비자 필요한지 알려줘, Osaka Castle 근처 호텔"));

        Assert.Equal("Travel", result.Category);
        Assert.Matches(@"^closest to Travel \(\d{1,3}% sure\); words: ", result.Reason);
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

public class OfflineEvidenceTests
{
    private static readonly OfflineEngine Engine = TestEngine.Shared;

    [Theory]
    [InlineData("App crashes after update",
        "after the latest update the app crashes on start: Traceback (most recent call last): File \"main.py\", line 12, in <module> ModuleNotFoundError: No module named 'requests'")]
    [InlineData("Website keeps crashing",
        "TypeError: Cannot read properties of undefined (reading 'map') at ProductList (ProductList.jsx:14:23) my page goes blank after the update")]
    public void PastedCodeWithAnErrorIsProgrammingNotTechnicalSupport(string title, string message)
    {
        var digest = TestEngine.Digest(title, message);
        var withoutShape = new OfflineCategorizer(TestEngine.WorkAndLife, Engine, null, OfflineTuning.Default with { ShapeWeight = 0 }).Categorize(digest);

        var result = new OfflineCategorizer(TestEngine.WorkAndLife, Engine).Categorize(digest);

        Assert.Equal("Technical Support", withoutShape.Category); // the words alone say a user's crash
        Assert.Equal("Programming & Development", result.Category);
        Assert.Contains("looks like code", result.Reason);
    }

    [Fact]
    public void ARolePlayIsCreativeWorkEvenWhenTheRoleIsTechnical()
    {
        var digest = TestEngine.Digest("Linux Terminal",
            "I want you to act as a linux terminal. I will type commands and you will reply with what the terminal should show. My first command is pwd");

        var result = new OfflineCategorizer(TestEngine.WorkAndLife, Engine).Categorize(digest);

        Assert.Equal("Creative & Design", result.Category);
        Assert.Contains("asks for a role-play", result.Reason);
    }

    [Fact]
    public void ACategoryNamedAfterATopicDrawsOnTheWrittenExamplesOfThatTopicInAnyLanguage()
    {
        // A Korean name, an English conversation whose words the topic inventory does not list: the bank's cooking
        // examples (in six languages) are what bring them together.
        var set = new CategorySet("내 주제", [new("요리"), new("여행"), new("기타")]);
        var digest = TestEngine.Digest("Sourdough starter", "my sourdough starter smells like acetone after feeding and doesn't rise, what am I doing wrong?");
        var withoutBank = new OfflineCategorizer(set, Engine, null, OfflineTuning.Default with { BankWeight = 0 }).Categorize(digest);

        var result = new OfflineCategorizer(set, Engine).Categorize(digest);

        Assert.Equal("요리", result.Category);
        Assert.EndsWith("reads like conversations about cooking", result.Reason);
        Assert.True(result.Confidence > withoutBank.Confidence + 0.2, $"{result.Confidence} with the bank, {withoutBank.Confidence} without");
    }

    [Fact]
    public void TheBankLendsTheTopicsADescriptionNamesToo()
    {
        // Personal Advice's name says no topic of the inventory; its description says cooking, among others.
        var digest = TestEngine.Digest("Sourdough starter", "my sourdough starter smells like acetone after feeding and doesn't rise, what am I doing wrong?");

        var result = new OfflineCategorizer(TestEngine.WorkAndLife, Engine).Categorize(digest);

        Assert.Equal("Personal Advice", result.Category);
        Assert.EndsWith("reads like conversations about cooking", result.Reason);
    }

    [Fact]
    public void ConfidenceRisesWithTheMarginAndMeansAChanceNotAScore()
    {
        var tuning = OfflineTuning.Default;

        Assert.True(tuning.ConfidenceOf(0) < 0.5, "a tie is a coin toss at best");
        Assert.True(tuning.ConfidenceOf(0.2) < tuning.ConfidenceOf(0.5));
        Assert.InRange(tuning.ConfidenceOf(3), 0.99, 1);
    }

    [Fact]
    public void AnUnsureAssignmentNamesTheRunnerUpAndEveryReasonReadsAsAPercentage()
    {
        var set = new CategorySet("Kitchen", [new("Cooking"), new("Recipes"), new("Travel"), new("Other")]);
        var digests = new[]
        {
            TestEngine.Digest("Pasta sauce", "how do I make a simple tomato sauce for pasta from canned tomatoes"),
            TestEngine.Digest("Lisbon weekend", "flights and a hotel near the old town for a weekend in Lisbon, and how to get there from the airport"),
            TestEngine.Digest("Hmm", "qwerty zxcv"),
        };

        var results = new OfflineCategorizer(set, Engine).Categorize(digests);

        Assert.All(results, r => Assert.Matches(@"\((100|\d{1,2})% sure", r.Reason));
        Assert.All(results, r => Assert.DoesNotMatch(@"\d\.\d", r.Reason!));
        // Cooking and Recipes say the same topic: a coin toss between them, and the reason says so.
        Assert.Contains(results[0].Category, new[] { "Cooking", "Recipes" });
        Assert.True(results[0].Confidence < 0.5, $"{results[0].Confidence}");
        Assert.Matches(@"% sure, (Cooking|Recipes) next\)", results[0].Reason);
        Assert.Equal("Travel", results[1].Category);
        Assert.True(results[1].Confidence > 0.8, $"{results[1].Confidence}");
        Assert.DoesNotContain(" next)", results[1].Reason);
        Assert.Equal("Other", results[2].Category);
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

public class SentenceEmbedderTests
{
    [Fact]
    public void CategorizingWithTokenVectorsKeepsNoModelSessionInTheProcess()
    {
        // Whether the vectors came from the cache or were distilled just now (by a session of their own, closed after),
        // the model's weights are not held for the life of the process.
        new OfflineCategorizer(TestEngine.LifeAreas, TestEngine.Shared).Categorize(TestEngine.Digest("Weekend in Lisbon", "two days in Lisbon: hotel and flights"));

        Assert.False(TestEngine.Shared.Embedder.SessionLoaded);
        Assert.Equal(TestEngine.Shared.Embedder.VocabularySize, Enumerable.Range(0, TestEngine.Shared.Embedder.VocabularySize)
            .Count(id => TestEngine.Shared.Tokens.TokenVector(id) is not null || TestEngine.Shared.Tokens.Weight(id) == 0));
    }

    [Fact]
    public void ATruncatedModelFileIsReplacedBeforeASessionReadsIt()
    {
        var directory = Directory.CreateTempSubdirectory("chatorg-model-").FullName;
        try
        {
            var embedder = TestEngine.Shared.Embedder;
            var file = Path.Combine(directory, $"{embedder.Model.Name}.without-word-table.onnx");
            File.WriteAllBytes(file, new byte[4096]);
            int[][] tokens = [[.. embedder.Tokenize("weekend in lisbon", 16)]];

            float[][] fromFile, fromMemory;
            using (var session = embedder.OpenSession(directory)) fromFile = session.EmbedTokens(tokens);
            using (var session = embedder.OpenSession(modelDirectory: null)) fromMemory = session.EmbedTokens(tokens);

            // MiniLM's layers without its 47 MB word table.
            Assert.InRange(new FileInfo(file).Length, 40_000_000, 50_000_000);
            Assert.Equal([file], Directory.GetFiles(directory));
            Assert.Equal(fromMemory[0], fromFile[0]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void ASessionWithoutTheWordTableEmbedsAsTheWholeModelDoes()
    {
        // Sequences of several lengths in one batch (padded), repeated tokens, single words as distilling runs them.
        var embedder = TestEngine.Shared.Embedder;
        int[][] tokens =
        [
            [.. embedder.Tokenize("weekend in lisbon: hotel, flights and the the the old town", 32)],
            [.. embedder.Tokenize("kubernetes", 8)],
            [.. embedder.Tokenize("recipe", 8)],
            [embedder.VocabularySize - 1],
        ];

        float[][] lean;
        using (var session = embedder.OpenSession(modelDirectory: null)) lean = session.EmbedTokens(tokens);
        // An embedder of its own for the whole model's session, so that the shared one still holds none.
        var whole = SentenceEmbedder.For(embedder.Model with { Name = $"{embedder.Model.Name} whole" }).EmbedTokens(tokens);

        for (var i = 0; i < tokens.Length; i++)
        {
            // The whole model's graph fuses the embedding lookup with its layer norm; the other adds and normalises apart.
            Assert.True(VectorMath.Dot(lean[i], whole[i]) > 0.99999f, $"sequence {i}: cosine {VectorMath.Dot(lean[i], whole[i])}");
        }
        Assert.True(VectorMath.Dot(lean[1], lean[2]) < 0.9f);
    }

    [Fact]
    public void DistillingThatGaveWayGoesOnFromWhereItStopped()
    {
        // A table of its own (another model name, no cache folder), so that the whole vocabulary is distilled here.
        var embedder = SentenceEmbedder.For(TestEngine.Shared.Embedder.Model with { Name = $"{TestEngine.Shared.Embedder.Model.Name} giving way" });
        var tokens = StaticTokenVectors.For(embedder);
        var asked = 0;

        var readyAtFirst = tokens.PrepareVocabulary(giveWay: () => ++asked > 3);
        var distilledAtFirst = tokens.DistilledHere;
        var ready = tokens.PrepareVocabulary();

        Assert.False(readyAtFirst);
        Assert.InRange(distilledAtFirst, 1, tokens.DistilledHere - 1);
        Assert.True(ready);
        Assert.False(embedder.SessionLoaded);
        Assert.Equal(embedder.VocabularySize, Enumerable.Range(0, embedder.VocabularySize).Count(id => tokens.TokenVector(id) is not null || tokens.Weight(id) == 0));
        // The vectors distilled before it gave way are the ones a distillation in one go makes.
        var id = embedder.Tokenize("lisbon", 4)[0];
        TestEngine.Shared.Tokens.PrepareVocabulary();
        Assert.True(VectorMath.Dot(tokens.TokenVector(id)!, TestEngine.Shared.Tokens.TokenVector(id)!) > 0.999f);
    }

    [Fact]
    public void TheVocabularyHasOneTokenPerLineOfTheModelsFile()
    {
        // all-MiniLM-L6-v2's vocab.txt: BERT's uncased WordPiece vocabulary. A token past its end would be fed to the model.
        Assert.Equal(30522, TestEngine.Shared.Embedder.VocabularySize);
        Assert.Equal("[PAD]", TestEngine.Shared.Embedder.TokenText(0));
        Assert.Equal("##～", TestEngine.Shared.Embedder.TokenText(30521));
    }
}
