using TorchSharp;

namespace SemanticGen.Media.Tests;

internal static class PixelAssertions
{
    /// <summary>The RGB values of one pixel of a (…, 3) uint8 tensor, e.g. frames[t, y, x].</summary>
    public static int[] Rgb(torch.Tensor pixel) => pixel.data<byte>().ToArray().Select(b => (int)b).ToArray();

    /// <summary>Asserts every channel of <paramref name="pixel"/> is within <paramref name="tolerance"/> of <paramref name="expected"/>.</summary>
    public static void ShouldBeNear(this torch.Tensor pixel, byte[] expected, int tolerance, string because)
    {
        using (pixel)
        {
            var actual = Rgb(pixel);
            actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max()
                .Should().BeLessThanOrEqualTo(tolerance, $"{because} (expected ≈ [{string.Join(", ", expected)}], found [{string.Join(", ", actual)}])");
        }
    }
}
