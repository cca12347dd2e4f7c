using SemanticGen.Abstractions.Encoders;
using System.Text.Json;
using SemanticGen.Models.DiT;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.DiT;

/// <summary>RoPE and timestep features against scalar-loop formulas; full-size names and shapes on the meta device.</summary>
public sealed class WanTransformerPieceTests
{
    [Fact]
    public void Rope_bands_of_a_128_head_are_44_42_42()
    {
        using var rope = new WanRotaryEmbedding(128);

        rope.Bands.Should().Equal(44, 42, 42);
    }

    [Fact]
    public void Rope_rotates_each_channel_pair_by_the_looped_angles()
    {
        // Positions include fractional ones (semantic tokens on a coarser grid) and one beyond 1024.
        (double T, double H, double W)[] positions = [(0, 0, 0), (2, 1, 3), (0.5, 7.25, 1.75), (1500, 3, 9)];
        const int headDim = 24;
        using var rope = new WanRotaryEmbedding(headDim);
        using var scope = NewDisposeScope();
        var x = randn([1, positions.Length, 2, headDim], generator: new Generator(5).manual_seed(5));
        var pos = tensor(positions.SelectMany(p => new[] { p.T, p.H, p.W }).ToArray(), [positions.Length, 3]);

        var (cos, sin) = rope.Tables(pos);
        var ours = WanRotaryEmbedding.Apply(x, cos, sin);

        var angles = NaiveWanReference.RopeAngles(positions, headDim);
        var xs = x.to(ScalarType.Float64).data<double>().ToArray();
        var got = ours.to(ScalarType.Float64).data<double>().ToArray();
        for (var n = 0; n < positions.Length; n++)
        for (var head = 0; head < 2; head++)
        for (var pair = 0; pair < headDim / 2; pair++)
        {
            var at = (n * 2 + head) * headDim + 2 * pair;
            var (a, b, angle) = (xs[at], xs[at + 1], angles[n, pair]);
            got[at].Should().BeApproximately(a * Math.Cos(angle) - b * Math.Sin(angle), 2e-4);
            got[at + 1].Should().BeApproximately(a * Math.Sin(angle) + b * Math.Cos(angle), 2e-4);
        }
    }

    [Fact]
    public void Rope_grid_tables_follow_the_token_order_and_are_cached()
    {
        using var rope = new WanRotaryEmbedding(24);
        var (cos, sin) = rope.ForGrid(2, 3, 4, CPU);

        using var scope = NewDisposeScope();
        var positions = new List<(double, double, double)>();
        for (var f = 0; f < 2; f++) for (var h = 0; h < 3; h++) for (var w = 0; w < 4; w++) positions.Add((f, h, w));
        var angles = NaiveWanReference.RopeAngles(positions, 24);
        var expected = tensor(angles.Cast<double>().ToArray(), [24, 12]);

        ParityMeasure.MaxAbsDifference(cos, expected.cos()).Should().BeLessThan(1e-6);
        ParityMeasure.MaxAbsDifference(sin, expected.sin()).Should().BeLessThan(1e-6);
        rope.ForGrid(2, 3, 4, CPU).Cos.Should().BeSameAs(cos);
    }

    [Theory]
    [InlineData(437.5)]
    [InlineData(1000.0)]
    [InlineData(0.0)]
    [InlineData(3.14159)]
    public void Timestep_features_are_flipped_cos_then_sin_with_shift_0(double t)
    {
        using var scope = NewDisposeScope();
        var ours = WanConditionEmbedder.TimestepFeatures(tensor(new[] { (float)t }), 256).data<float>().ToArray();

        var expected = NaiveWanReference.TimestepFeatures(t, 256);

        // float32 arguments of up to 1000 rad: agreement to ~1e-4 absolute.
        ours.Select((v, i) => Math.Abs(v - expected[i])).Max().Should().BeLessThan(2e-4);
        ours[0].Should().BeApproximately((float)Math.Cos(t), 1e-4f, "frequency 1 comes first, cos before sin");
        ours[128].Should().BeApproximately((float)Math.Sin(t), 1e-4f);
    }

    [Theory]
    [InlineData("1.3b", "wan_transformer_1_3b.keys.json", 1_418_996_800L, 825)]
    [InlineData("14b", "wan_transformer_14b.keys.json", 14_288_491_584L, 1_095)]
    public void Full_sizes_have_the_published_names_and_shapes(string preset, string keysFile, long parameters, int tensors)
    {
        var published = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(RepoPaths.Fixture("wan", keysFile)))!;

        using var model = new WanTransformer3DModel(WanTransformerPresets.Get(preset), META);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        shapes.Should().BeEquivalentTo(published);
        shapes.Should().HaveCount(tensors);
        shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)).Should().Be(parameters);
        model.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
        model.named_buffers().Should().BeEmpty("RoPE tables are computed, not stored");
    }

    [Fact]
    public void The_tiny_preset_is_the_fixture_config()
    {
        var fixture = WanTransformerConfig.FromJson(RepoPaths.Fixture("wan", "wan_transformer", "config.json"));

        fixture.Should().BeEquivalentTo(WanTransformerPresets.Get("tiny"));
        fixture.PatchSize.Should().Equal(1, 2, 2);
        var unknown = () => WanTransformerPresets.Get("7b");
        unknown.Should().Throw<ArgumentException>().WithMessage("*'7b'*1.3b, 14b, tiny*");
    }
}
