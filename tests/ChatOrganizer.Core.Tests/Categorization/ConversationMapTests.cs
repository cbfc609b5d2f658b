using ChatOrganizer.Categorization;
using ChatOrganizer.Categorization.Offline;

namespace ChatOrganizer.Core.Tests.Categorization;

public class ConversationMapTests
{
    private static readonly IReadOnlyList<ConversationDigest> Run =
    [
        TestEngine.Digest("Python KeyError", "pandas KeyError when I read the csv column, traceback below", id: "py1"),
        TestEngine.Digest("Cake recipe", "A chocolate cake recipe without eggs, with baking times", id: "cake1"),
        TestEngine.Digest("Python TypeError", "TypeError in my python function when I merge two dataframes", id: "py2"),
        TestEngine.Digest("Banana bread", "How long to bake banana bread and how much sugar and flour", id: "cake2"),
        TestEngine.Digest("pandas 报错", "pandas 读取 csv 报错 KeyError 代码如下", id: "py3"),
        TestEngine.Digest("蛋糕怎么做", "戚风蛋糕 烘焙 温度 和 时间", id: "cake3"),
    ];

    [Fact]
    public void TheNearestConversationsAreTheOnesAboutTheSameThing()
    {
        var map = ConversationMap.Build(TestEngine.Shared, Run);

        var nearest = map.Nearest("py1", 2);

        Assert.Equal(2, nearest.Count);
        Assert.All(nearest, n => Assert.StartsWith("py", n.ConversationId));
        Assert.True(nearest[0].Similarity >= nearest[1].Similarity);
        Assert.DoesNotContain(nearest, n => n.ConversationId == "py1");
    }

    [Fact]
    public void NeighboursOfAConversationNotInTheRunAreAClearError()
    {
        var map = ConversationMap.Build(TestEngine.Shared, Run);

        Assert.Throws<KeyNotFoundException>(() => map.Nearest("missing"));
    }

    [Fact]
    public void StoredVectorsGiveTheSameNeighbours()
    {
        var built = ConversationMap.Build(TestEngine.Shared, Run);
        var ids = Run.Select(d => d.ConversationId).ToList();

        var stored = ConversationMap.FromVectors(ids, [.. Run.Select(d => d.Title)], [.. ids.Select(id => built.VectorOf(id).ToArray())]);

        Assert.Equal(built.Nearest("cake1", 3), stored.Nearest("cake1", 3));
    }

    [Fact]
    public void VectorsAloneAreTheVectorsOfTheMap()
    {
        var built = ConversationMap.Build(TestEngine.Shared, Run);

        var vectors = ConversationMap.Vectors(TestEngine.Shared, Run);

        Assert.Equal(Run.Count, vectors.Length);
        for (var i = 0; i < Run.Count; i++) Assert.Equal(built.VectorOf(Run[i].ConversationId), vectors[i]);
    }

    [Fact]
    public void TopicsSeparateTheRunsSubjectsAndAreNamedByTheirWords()
    {
        var map = ConversationMap.Build(TestEngine.Shared, Run);

        var topics = map.DiscoverTopics(2);

        Assert.Equal(2, topics.Count);
        var python = topics.Single(t => t.ConversationIds.Contains("py1"));
        Assert.Equal(["py1", "py2", "py3"], python.ConversationIds.Order());
        Assert.NotEmpty(python.Words);
        Assert.Equal(3, python.ExampleTitles.Count);
        Assert.Equal(string.Join(", ", python.Words), python.Name);
    }

    [Fact]
    public void TopicsBecomeACategorySetWithItsOwnOther()
    {
        var topics = ConversationMap.Build(TestEngine.Shared, Run).DiscoverTopics(2);

        var set = DiscoveredTopic.ToCategorySet("Discovered", topics);

        Assert.Empty(set.Validate());
        Assert.Equal(3, set.EffectiveCategories.Count);
        Assert.Equal(CategorySet.OtherName, set.CatchAll?.Name);
        Assert.All(set.Categories, c => Assert.NotEmpty(c.Examples!));
    }
}
