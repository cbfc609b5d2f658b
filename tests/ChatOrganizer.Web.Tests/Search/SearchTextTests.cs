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

        var hash = SearchText.ContentHash(conversation);

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

    // Against the rule written plainly (CJK runs by their pairs, or the one character of a run of one; other letters
    // and digits by words of exactly two, lowered), on random mixes of the scripts real exports hold.
    [Fact]
    public void ShortTermsFollowTheirRuleOnEveryMixOfScripts()
    {
        const string alphabet = "aZ9é ,.\t\n-주식투자中文の가ア🚀\u00A0ÄßİıΩж_'";
        var random = new Random(20261204);
        for (var round = 0; round < 2000; round++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(0, 40)).Select(_ => alphabet[random.Next(alphabet.Length)]));

            Assert.Equal(ShortTermsByTheRule(text), SearchText.ShortTerms(text));
        }
    }

    private static string? ShortTermsByTheRule(string text)
    {
        var terms = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            if (SearchText.IsCjk(text[i]))
            {
                while (i < text.Length && SearchText.IsCjk(text[i])) i++;
                if (i - start == 1) terms.Add(text[start..i]);
                for (var at = start; at + 1 < i; at++) terms.Add(text.Substring(at, 2));
            }
            else if (char.IsLetterOrDigit(text[i]))
            {
                while (i < text.Length && char.IsLetterOrDigit(text[i]) && !SearchText.IsCjk(text[i])) i++;
                if (i - start == 2) terms.Add(text.Substring(start, 2).ToLowerInvariant());
            }
            else
            {
                i++;
            }
        }
        return terms.Count == 0 ? null : string.Join(' ', terms.Distinct(StringComparer.Ordinal));
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
