using System.Text;
using CodeLsp.Inference.Constraints;

namespace CodeLsp.Inference.Tests.Constraints;

/// <summary>The vocabulary trie built from the tiny model's real vocabulary (byte-level BPE), and the mask over it.</summary>
[Collection(ModelCollection.Name)]
public sealed class VocabularyTrieTests(ModelFixture models)
{
    [Fact]
    public async Task Holds_every_normal_token_of_the_model_with_its_bytes_and_no_control_token()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var trie = host.VocabularyTrie;

        // 256 byte tokens and 23 merges; <|endoftext|>, the FIM and chat tokens are control tokens.
        Assert.Equal(256 + 23, trie.Count);
        foreach (var text in new[] { "int", " return", "()", "x" })
        {
            var ids = host.Weights.Tokenize(text, false, false, Encoding.UTF8);
            Assert.Single(ids);
            Assert.Equal(text, Encoding.UTF8.GetString(trie.BytesOf((int)ids[0])));
        }

        Assert.True(trie.BytesOf(host.Description.FimTokens!.Middle).IsEmpty);
    }

    [Theory]
    [InlineData("i", new[] { "i", "in", "int" })]
    [InlineData("in", new[] { "in", "int" })]
    [InlineData(" re", new[] { " re", " ret", " retur", " return" })]
    [InlineData("q", new[] { "q" })]
    public async Task A_node_ranges_over_the_tokens_with_its_prefix(string prefix, string[] expected)
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var trie = host.VocabularyTrie;
        var node = trie.Root;
        foreach (var b in Encoding.UTF8.GetBytes(prefix))
        {
            node = trie.Child(node, b);
        }

        var texts = Enumerable.Range(node.Start, node.End - node.Start).Select(i => Encoding.UTF8.GetString(trie.BytesOf(trie.IdAt(i)))).Order(StringComparer.Ordinal);
        Assert.Equal(expected.Order(StringComparer.Ordinal), texts);
    }

    [Fact]
    public async Task The_masked_choice_over_the_models_vocabulary_is_the_best_allowed_token()
    {
        using var host = await models.LoadAsync(models.DefaultModel);
        var trie = host.VocabularyTrie;
        var random = new Random(11);
        string[] pool = ["AddItem", "Total", "TotalPrice", "int", "Internal", "Count", "return", "ToString", "GetHashCode", "_items", ""];
        for (var trial = 0; trial < 200; trial++)
        {
            var names = pool.Where(_ => random.Next(3) == 0).DefaultIfEmpty("Total").ToArray();
            var mask = new IdentifierMask(new IdentifierConstraint(names), trie, []);
            var text = new StringBuilder();
            while (mask.IsActive)
            {
                var logits = new float[host.Description.VocabularySize];
                for (var i = 0; i < logits.Length; i++) logits[i] = (float)random.NextDouble();
                var allowed = Enumerable.Range(0, logits.Length).Where(mask.Allows).ToList();
                var chosen = mask.Choose(logits, host.Description.FimTokens!.Middle, greedyStops: false);
                Assert.Equal(allowed.Count == 0 ? -1 : allowed.MaxBy(t => logits[t]), chosen);
                if (chosen < 0) break;
                mask.Accept(chosen);
                text.Append(Encoding.UTF8.GetString(trie.BytesOf(chosen)));
            }

            var identifier = new string(text.ToString().TakeWhile(c => char.IsAsciiLetterOrDigit(c) || c == '_').ToArray());
            Assert.Contains(identifier, names);
        }
    }
}
