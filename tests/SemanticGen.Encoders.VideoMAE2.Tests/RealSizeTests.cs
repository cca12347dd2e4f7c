using System.Collections.Immutable;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>
/// The published sizes, built on the meta device (no memory), against key lists written here from the published
/// config values and against the published parameter counts (VideoMAE paper: ViT-B 87M, ViT-L 305M; VideoMAE V2
/// paper: ViT-g 1011M).
/// </summary>
public sealed class RealSizeTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("base", 768, 12, 3072, 16, true, 87e6)]
    [InlineData("large", 1024, 24, 4096, 16, true, 305e6)]
    [InlineData("giant", 1408, 40, 6144, 14, false, 1011e6)]
    public void Presets_have_the_published_names_shapes_and_size(string preset, int width, int depth, int mlp, int patch, bool finalNorm, double published)
    {
        using var model = new VideoMAEModel(VideoMAEPresets.Get(preset), device("meta"));
        var actual = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        var expected = PublishedShapes(width, depth, mlp, patch, finalNorm);

        actual.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (name, shape) in expected)
        {
            actual[name].Should().Equal(shape, name);
        }
        var count = actual.Values.Sum(shape => shape.Aggregate(1L, (a, b) => a * b));
        output.WriteLine($"{preset}: {count:N0} parameters");
        ((double)count).Should().BeApproximately(published, published * 0.01);
        model.Config.NumPatches.Should().Be(8 * (224 / patch) * (224 / patch));
    }

    [Fact]
    public void The_original_VideoMAE2_giant_key_list_maps_onto_the_giant_preset()
    {
        // vit_giant_patch14_224 as OpenGVLab/VideoMAEv2 saves it: fused qkv rows, q_bias/v_bias, timm names, head + fc_norm.
        const int width = 1408, mlp = 6144;
        var published = new Dictionary<string, long[]>
        {
            ["patch_embed.proj.weight"] = [width, 3, 2, 14, 14], ["patch_embed.proj.bias"] = [width],
            ["fc_norm.weight"] = [width], ["fc_norm.bias"] = [width], ["head.weight"] = [710, width], ["head.bias"] = [710],
        };
        for (var i = 0; i < 40; i++)
        {
            var b = $"blocks.{i}.";
            published[b + "attn.qkv.weight"] = [3 * width, width];
            published[b + "attn.q_bias"] = [width];
            published[b + "attn.v_bias"] = [width];
            published[b + "attn.proj.weight"] = [width, width];
            published[b + "attn.proj.bias"] = [width];
            published[b + "mlp.fc1.weight"] = [mlp, width];
            published[b + "mlp.fc1.bias"] = [mlp];
            published[b + "mlp.fc2.weight"] = [width, mlp];
            published[b + "mlp.fc2.bias"] = [width];
            foreach (var norm in new[] { "norm1", "norm2" })
            {
                published[b + norm + ".weight"] = [width];
                published[b + norm + ".bias"] = [width];
            }
        }
        using var mapped = VideoMAECheckpointMapper.Wrap(new HeaderOnlySource(published));
        using var model = new VideoMAEModel(VideoMAEPresets.Giant, device("meta"));

        var encoderKeys = mapped.Keys.Where(k => k.StartsWith(VideoMAECheckpoint.EncoderPrefix, StringComparison.Ordinal))
            .ToDictionary(k => k[VideoMAECheckpoint.EncoderPrefix.Length..], k => mapped.GetInfo(k).Shape.ToArray());
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);
        encoderKeys.Keys.Should().BeEquivalentTo(parameters.Keys);
        foreach (var (name, shape) in parameters)
        {
            encoderKeys[name].Should().Equal(shape, name);
        }
        mapped.Keys.Should().Contain(["head.weight", "fc_norm.weight"], "heads stay outside the encoder's prefix and are skipped");
    }

    /// <summary>transformers-5 VideoMAEModel names for the published config values.</summary>
    private static Dictionary<string, long[]> PublishedShapes(int width, int depth, int mlp, int patch, bool finalNorm)
    {
        var shapes = new Dictionary<string, long[]>
        {
            ["embeddings.patch_embeddings.projection.weight"] = [width, 3, 2, patch, patch],
            ["embeddings.patch_embeddings.projection.bias"] = [width],
        };
        for (var i = 0; i < depth; i++)
        {
            var p = $"encoder.layer.{i}.";
            foreach (var linear in new[] { "attention.attention.query", "attention.attention.key", "attention.attention.value", "attention.output.dense" })
            {
                shapes[p + linear + ".weight"] = [width, width];
                shapes[p + linear + ".bias"] = [width];
            }
            shapes[p + "intermediate.dense.weight"] = [mlp, width];
            shapes[p + "intermediate.dense.bias"] = [mlp];
            shapes[p + "output.dense.weight"] = [width, mlp];
            shapes[p + "output.dense.bias"] = [width];
            foreach (var norm in new[] { "layernorm_before", "layernorm_after" })
            {
                shapes[p + norm + ".weight"] = [width];
                shapes[p + norm + ".bias"] = [width];
            }
        }
        if (finalNorm)
        {
            shapes["layernorm.weight"] = [width];
            shapes["layernorm.bias"] = [width];
        }
        return shapes;
    }

    /// <summary>Names and shapes only (float32 headers with no data behind them): a published key list.</summary>
    private sealed class HeaderOnlySource(Dictionary<string, long[]> shapes) : ITensorSource
    {
        public string Path => "published key list";
        public IReadOnlyList<string> Keys { get; } = [.. shapes.Keys];
        public IReadOnlyDictionary<string, string> Metadata { get; } = new Dictionary<string, string>();
        public bool Contains(string key) => shapes.ContainsKey(key);

        public TensorInfo GetInfo(string key)
        {
            var shape = shapes[key].ToImmutableArray();
            return new TensorInfo(key, SafetensorsDtype.F32, shape, Path, 0, shape.Aggregate(4L, (a, b) => a * b));
        }

        public Tensor ReadTensor(string key, ScalarType? dtype = null) => throw new NotSupportedException("a key list has no data");

        public void Dispose()
        {
        }
    }
}
