using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

public class ExampleBankTests
{
    private static readonly OfflineTuning Tuning = OfflineTuning.Default;

    [Fact]
    public void EveryTopicOfTheInventoryHasWrittenExamplesInEachOfTheSixLanguages()
    {
        var examples = ExampleBank.Examples;
        var topics = TopicInventory.Shared.Topics.Select(t => t.Label).ToHashSet();

        Assert.All(examples, e => Assert.Contains(e.Topic, topics));
        foreach (var topic in topics)
            Assert.Equal(["de", "en", "es", "ja", "ko", "zh"], examples.Where(e => e.Topic == topic).Select(e => e.Lang).Distinct().Order());
        Assert.Equal(examples.Count, examples.Select(e => e.User).Distinct().Count());
    }

    [Theory]
    [InlineData("된장국 끓이는 법", "된장국 끓일 때 멸치 육수는 몇 분 우려야 하고 두부는 언제 넣어요?", "cooking")]
    [InlineData("签证材料", "去日本旅游签证需要准备哪些材料，在职证明和银行流水要多少", "travel")]
    [InlineData("Knee pain after running", "outside of my knee hurts after 5 km, should I stop running for a while?", "health")]
    public void AConversationsNearestExamplesVoteForItsTopic(string title, string message, string topic)
    {
        var votes = Votes(title, message);

        var inventory = TopicInventory.Shared.Topics;
        Assert.Equal(topic, inventory[Array.IndexOf(votes, votes.Max())].Label);
        Assert.InRange(votes.Sum(), 0.99f, 1.01f);
    }

    [Fact]
    public void FarFromEveryExampleTheVotesShrinkToNothing()
    {
        Assert.True(Votes("ㅋㅋ", "ㅋㅋㅋㅋ").Sum() < 0.2f);
        Assert.Equal(0f, Votes("", "").Sum());
    }

    [Fact]
    public void AnExampleLeftOutIsNotItsOwnNearestNeighbour()
    {
        var index = Enumerable.Range(0, ExampleBank.Examples.Count).First(i => ExampleBank.Examples[i].Topic == "legal");
        var example = ExampleBank.Examples[index];
        var features = Read(example.Title, example.User);
        var bank = TestEngine.Shared.BankFor(Tuning);

        var nearest = bank.Nearest(features, 3, Tuning.BankGramShare);
        var leftOut = bank.Nearest(features, 3, Tuning.BankGramShare, except: index);

        Assert.Equal(index, nearest[0].Example);
        Assert.InRange(nearest[0].Similarity, 0.99f, 1.01f);
        Assert.DoesNotContain(leftOut, n => n.Example == index);
        Assert.Equal(nearest[1], leftOut[0]);
    }

    private static float[] Votes(string title, string message) =>
        TestEngine.Shared.BankFor(Tuning).TopicVotes(Read(title, message), Tuning.BankNeighbours, Tuning.BankTemperature, Tuning.BankGramShare, Tuning.BankFloor);

    private static TextFeatures Read(string title, string message)
    {
        var features = FeatureReader.ForDigest(TestEngine.Shared.Analyzer, title, $"User: {message}", Tuning);
        features.Vector = TestEngine.Shared.Embed([features.Pieces], CancellationToken.None)[0];
        return features;
    }
}
