using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>The published sizes, built on the meta device (no memory), against the published key list.</summary>
public sealed class RealSizeTests
{
    /// <summary>
    /// The encoder keys and shapes of a Hugging Face V-JEPA 2 checkpoint, from the published config values
    /// (facebook/vjepa2-vit{l,h,g}-fpc64-256 config.json: hidden_size, num_hidden_layers, mlp_ratio; patch 16, tubelet 2).
    /// </summary>
    private static Dictionary<string, long[]> PublishedKeys(int width, int layers, int mlp)
    {
        var keys = new Dictionary<string, long[]>
        {
            ["encoder.embeddings.patch_embeddings.proj.weight"] = [width, 3, 2, 16, 16],
            ["encoder.embeddings.patch_embeddings.proj.bias"] = [width],
            ["encoder.layernorm.weight"] = [width],
            ["encoder.layernorm.bias"] = [width],
        };
        for (var i = 0; i < layers; i++)
        {
            foreach (var norm in new[] { "norm1", "norm2" })
            {
                keys[$"encoder.layer.{i}.{norm}.weight"] = [width];
                keys[$"encoder.layer.{i}.{norm}.bias"] = [width];
            }
            foreach (var linear in new[] { "query", "key", "value", "proj" })
            {
                keys[$"encoder.layer.{i}.attention.{linear}.weight"] = [width, width];
                keys[$"encoder.layer.{i}.attention.{linear}.bias"] = [width];
            }
            keys[$"encoder.layer.{i}.mlp.fc1.weight"] = [mlp, width];
            keys[$"encoder.layer.{i}.mlp.fc1.bias"] = [mlp];
            keys[$"encoder.layer.{i}.mlp.fc2.weight"] = [width, mlp];
            keys[$"encoder.layer.{i}.mlp.fc2.bias"] = [width];
        }
        return keys;
    }

    [Theory]
    [InlineData("vit-l", 1024, 24, 16, 4096, 20, 256, 303_885_312L)]
    [InlineData("vit-h", 1280, 32, 16, 5120, 26, 256, 631_648_000L)]
    [InlineData("vit-g", 1408, 40, 22, 6144, 20, 256, 1_012_173_952L)]
    [InlineData("vit-g-384", 1408, 40, 22, 6144, 20, 384, 1_012_173_952L)]
    public void Presets_have_the_published_names_and_shapes(string preset, int width, int layers, int heads, int mlp, int ropeBand, int crop, long parameters)
    {
        var config = VJepa2Presets.Get(preset);

        using var model = new VJepa2Model(config, META);
        var shapes = model.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        config.NumAttentionHeads.Should().Be(heads);
        config.MlpHiddenSize.Should().Be(mlp);
        config.RopeBandSize.Should().Be(ropeBand);
        config.CropSize.Should().Be(crop);
        shapes.Should().BeEquivalentTo(PublishedKeys(width, layers, mlp));
        shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)).Should().Be(parameters);
        model.parameters().Should().OnlyContain(p => p.device_type == TorchSharp.DeviceType.META);
        VJepa2Weights.ExpectedShapes(config).Should().BeEquivalentTo(shapes);
    }

    [Fact]
    public void The_published_giant_config_json_gives_an_mlp_of_6144()
    {
        using var folder = new TempFolder();
        var path = folder.File("config.json");
        File.WriteAllText(path, """
            {"model_type": "vjepa2", "hidden_size": 1408, "num_attention_heads": 22, "num_hidden_layers": 40,
             "mlp_ratio": 4.363636363636363, "crop_size": 256, "frames_per_clip": 64, "hidden_act": "gelu"}
            """);

        var config = VJepa2Config.FromJson(path);

        config.Should().Be(VJepa2Presets.Get("vit-g") with { MlpRatio = 4.363636363636363 });
        config.MlpHiddenSize.Should().Be(6144);
    }

    [Fact]
    public void Unknown_presets_list_the_known_ones()
    {
        var get = () => VJepa2Presets.Get("vit-b");

        get.Should().Throw<ArgumentException>().WithMessage("*'vit-b'*vit-l, vit-h, vit-g, vit-g-384*");
    }
}
