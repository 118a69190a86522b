using CodeLsp.Inference;
using Xunit;

namespace CodeLsp.Inference.Tests;

public class PromptBatchesTests
{
    [Theory]
    [InlineData(0, 1757, 512, new[] { 440, 439, 439, 439 })]
    [InlineData(169, 1757, 512, new[] { 397, 397, 397, 397 })] // not 512+512+512+52
    [InlineData(0, 1024, 512, new[] { 512, 512 })]
    [InlineData(0, 1030, 512, new[] { 344, 343, 343 })]
    [InlineData(5, 6, 512, new[] { 1 })]
    [InlineData(0, 52, 512, new[] { 52 })]
    [InlineData(10, 35, 8, new[] { 7, 6, 6, 6 })]
    [InlineData(3, 3, 512, new int[0])]
    public void Covers_the_range_in_nearly_equal_batches_none_over_the_limit(int start, int end, int batchSize, int[] expected)
    {
        var batches = PromptBatches.Split(start, end, batchSize).ToList();

        Assert.Equal(expected, batches.Select(b => b.Count));
        var next = start;
        foreach (var (first, count) in batches)
        {
            Assert.Equal(next, first);
            Assert.InRange(count, 1, batchSize);
            next += count;
        }
        Assert.Equal(Math.Max(start, end), next);
    }

    [Fact]
    public void Rejects_a_batch_size_below_one() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => PromptBatches.Split(0, 10, 0).ToList());
}
