using TorchSharp;

namespace SemanticGen.Weights.Tests;

public sealed class TorchSmokeTests
{
    [Fact]
    public void Native_libtorch_loads_and_computes_a_matmul()
    {
        using var a = torch.ones(4, 3);
        using var b = torch.full(3, 2, 2.0f);
        using var c = a.matmul(b);
        c.shape.Should().Equal(4, 2);
        c.sum().item<float>().Should().Be(48f);
    }
}
