using SemanticGen.Cli.Commands;
using SemanticGen.Models.DiT;

namespace SemanticGen.Cli.Tests;

public sealed class BenchFlopsTests
{
    [Fact]
    public void The_forward_flop_count_of_the_1_3b_transformer_at_32760_tokens_matches_a_hand_count()
    {
        var config = WanTransformerPresets.Get("1.3b");  // D = 12·128 = 1536, F = 8960, 30 layers

        var flops = BenchModelCommand.ForwardFlops(config, tokens: 32_760, textLength: 512);

        double n = 32_760, d = 1536, f = 8960, l = 512;
        var perBlock = 12 * n * d * d + 4 * n * n * d + 4 * l * d * d + 4 * n * l * d + 4 * n * d * f;
        var embedAndHead = 2 * n * d * (16 * 4) * 2;
        flops.Should().BeApproximately(30 * perBlock + embedAndHead, 1e6);
        (flops / 1e12).Should().BeInRange(282, 284);  // ≈ 283 TFLOP per forward pass
    }
}

public sealed class PeakMemoryTests
{
    [Theory]
    [InlineData("VmHWM:\t12345678 kB", 12345678)]   // eight digits: no padding spaces after the tab
    [InlineData("VmHWM:\t  181000 kB", 181000)]
    public void Status_lines_parse_whatever_the_padding(string line, double kib) =>
        PeakMemory.ParseStatusKiB(line).Should().Be(kib);
}
