using SemanticGen.Models.TextEncoder;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.TextEncoder;

public sealed class Umt5ShapesTests
{
    // A plain, scalar re-reading of transformers' bidirectional _relative_position_bucket (float32 log).
    private static long PlainBucket(long relative, int numBuckets, int maxDistance)
    {
        var half = numBuckets / 2;
        long bucket = relative > 0 ? half : 0;
        var distance = Math.Abs(relative);
        var maxExact = half / 2;
        if (distance < maxExact)
            return bucket + distance;
        var ratio = MathF.Log(distance / (float)maxExact) / (float)Math.Log((double)maxDistance / maxExact) * (half - maxExact);
        return bucket + Math.Min(maxExact + (long)ratio, half - 1);
    }

    [Theory]
    [InlineData(8, 16)]
    [InlineData(32, 128)]
    public void Buckets_match_a_plain_reimplementation_far_beyond_the_max_distance(int numBuckets, int maxDistance)
    {
        using var scope = NewDisposeScope();
        var relative = arange(-600, 601, dtype: ScalarType.Int64);

        var buckets = Umt5EncoderModel.RelativePositionBucket(relative, numBuckets, maxDistance).data<long>().ToArray();

        var expected = Enumerable.Range(-600, 1201).Select(r => PlainBucket(r, numBuckets, maxDistance)).ToArray();
        buckets.Should().Equal(expected);
        buckets.Distinct().Should().HaveCount(numBuckets - 1, "every bucket but \"after the query at distance 0\" is used");
    }

    [Fact]
    public void Buckets_known_values_for_8_buckets_distance_16()
    {
        using var scope = NewDisposeScope();
        // half 4, max_exact 2: |r| 0, 1 exact; then 2 + ⌊2·ln(|r|/2)/ln 8⌋: 2..5 → 2, 6..15 → 3, beyond → 3; keys after the query +4.
        var relative = tensor(new long[] { 0, -1, 1, -2, 3, -5, -6, 7, 100, -100 });

        var buckets = Umt5EncoderModel.RelativePositionBucket(relative, 8, 16).data<long>().ToArray();

        buckets.Should().Equal(0, 1, 5, 2, 6, 2, 3, 7, 7, 3);
    }

    [Fact]
    public void Sequences_longer_than_the_max_distance_run_and_each_row_matches_its_batch_row()
    {
        using var model = Umt5Fixture.Model();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var generator = new Generator(11);
        var ids = randint(2, 128, [3, 40], dtype: ScalarType.Int64, generator: generator);       // L = 40 > max distance 16
        var mask = ones([3, 40], dtype: ScalarType.Int64);
        mask[1, TensorIndex.Slice(31)] = tensor(0L);
        mask[2, TensorIndex.Slice(5)] = tensor(0L);

        var batched = model.forward(ids, mask);                                                  // (3, 40, 32)

        batched.shape.Should().Equal(3, 40, 32);
        batched.isfinite().all().item<bool>().Should().BeTrue();
        for (var row = 0; row < 3; row++)
        {
            var alone = model.forward(ids[TensorIndex.Slice(row, row + 1)], mask[TensorIndex.Slice(row, row + 1)]);
            Umt5Fixture.MaxAbs(alone[0], batched[row]).Should().BeLessThan(1e-5f, $"row {row} alone equals row {row} in the batch");
        }
    }

    [Fact]
    public void Extra_padding_does_not_change_the_token_positions()
    {
        using var model = Umt5Fixture.Model();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var ids = randint(2, 128, [1, 12], dtype: ScalarType.Int64, generator: new Generator(5));

        var unpadded = model.forward(ids, ones([1, 12], dtype: ScalarType.Int64));              // (1, 12, 32)
        var paddedIds = cat([ids, randint(2, 128, [1, 20], dtype: ScalarType.Int64, generator: new Generator(6))], 1);
        var paddedMask = cat([ones([1, 12], dtype: ScalarType.Int64), zeros([1, 20], dtype: ScalarType.Int64)], 1);
        var padded = model.forward(paddedIds, paddedMask);                                       // (1, 32, 32)

        Umt5Fixture.MaxAbs(padded[TensorIndex.Colon, TensorIndex.Slice(0, 12)], unpadded).Should().BeLessThan(1e-5f);
        // Without the mask the extra tokens are attended to and change the result.
        var unmasked = model.forward(paddedIds, null);
        Umt5Fixture.MaxAbs(unmasked[TensorIndex.Colon, TensorIndex.Slice(0, 12)], unpadded).Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void Each_layer_has_its_own_relative_attention_bias()
    {
        using var model = Umt5Fixture.Model();
        var biases = model.named_parameters().Where(p => p.name.EndsWith("relative_attention_bias.weight", StringComparison.Ordinal)).ToList();

        biases.Should().HaveCount(2);
        using var scope = NewDisposeScope();
        Umt5Fixture.MaxAbs(biases[0].parameter, biases[1].parameter).Should().BeGreaterThan(0f);
    }

    [Fact]
    public void Wrong_input_shapes_are_rejected()
    {
        using var model = new Umt5EncoderModel(Umt5Fixture.Config);
        using var scope = NewDisposeScope();

        ((Action)(() => model.forward(zeros([9], dtype: ScalarType.Int64), null))).Should().Throw<ArgumentException>();
        ((Action)(() => model.forward(zeros([2, 9], dtype: ScalarType.Int64), ones([2, 8])))).Should().Throw<ArgumentException>();
    }
}
