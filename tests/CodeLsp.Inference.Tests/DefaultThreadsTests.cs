using CodeLsp.Inference;

namespace CodeLsp.Inference.Tests;

public sealed class DefaultThreadsTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    [InlineData(4, 3)]
    [InlineData(8, 4)]
    [InlineData(16, 8)]
    public void Leaves_room_for_the_editor(int processors, int threads) => Assert.Equal(threads, ModelHost.DefaultThreads(processors));
}
