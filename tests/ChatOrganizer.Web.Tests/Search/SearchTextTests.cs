using System.Security.Cryptography;
using System.Text;
using ChatOrganizer.Testing.Conversations;
using ChatOrganizer.Web.Search;

namespace ChatOrganizer.Web.Tests.Search;

// What the read step stores for search, built for every conversation: the content hash, which later jobs of the session
// compare with (known, changed), and the short terms beside the trigram index.
public sealed class SearchTextTests
{
    [Fact]
    public void TheContentHashIsTheSha256OfTheWholeTextEvenWhereItIsEncodedInPieces()
    {
        // An emoji across the 4,096th character, where the hash's encoding buffer ends; a lone surrogate, encoded as U+FFFD.
        var long1 = new string('a', 4095) + "🚀" + new string('é', 5000) + "\uD800x";
        var conversation = ConversationBuilder.Create().Titled("Rockets").User(long1).Assistant("Short answer.").Build();

        var (_, hash) = SearchText.For("job", 0, conversation);

        using var expected = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { "Rockets" }.Concat(conversation.ActiveMessages.SelectMany(m => new[] { m.Id, m.Text })))
        {
            expected.AppendData(Encoding.UTF8.GetBytes(part));
            expected.AppendData([0]);
        }
        Assert.Equal(Convert.ToHexStringLower(expected.GetHashAndReset())[..32], hash);
    }

    [Fact]
    public void ShortTermsAreTheDistinctTwoLetterWordsLoweredAndCjkPairsInTheOrderFirstFound()
    {
        Assert.Equal("ai go 주식 식투 투자 is 中", SearchText.ShortTerms("AI and Go: 주식투자 is AI, go GO ai 中 is 주식"));
        Assert.Null(SearchText.ShortTerms("nothing shorter than three letters here"));
    }

    // The trigram index is given each word once: any term a query can hold (no white space in it) that is in the text
    // is still in what the index is given, so nothing findable is lost.
    [Theory]
    [InlineData("the cat and the hat and the cat", "the cat and hat")]
    [InlineData("  주식투자에서\t주식투자에서\n投资  🚀🚀 🚀🚀\u00A0Ärger ärger ", "주식투자에서 投资 🚀🚀 Ärger ärger")]
    [InlineData("", "")]
    public void EachWordIsGivenToTheIndexOnceAndEveryTermStaysInside(string text, string expected)
    {
        var words = SearchText.DistinctWords(text);

        Assert.Equal(expected, words);
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            for (var start = 0; start < word.Length; start++)
            {
                for (var length = 1; start + length <= word.Length; length++) Assert.Contains(word.Substring(start, length), words, StringComparison.Ordinal);
            }
        }
    }
}
