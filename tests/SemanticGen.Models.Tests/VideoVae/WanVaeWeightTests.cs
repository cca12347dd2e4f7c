using TorchSharp;
using System.Text.Json;
using SemanticGen.Models.VideoVae;
using SemanticGen.Weights;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.VideoVae;

public sealed class WanVaeWeightTests
{
    [Fact]
    public void Full_size_model_has_the_names_and_shapes_of_the_published_Wan21_VAE()
    {
        var expected = JsonSerializer.Deserialize<Dictionary<string, long[]>>(File.ReadAllText(RepoPaths.Fixture("wan", "wan_vae_full.keys.json")))!;

        var shapes = WanVaeWeights.ExpectedShapes(new WanVaeConfig());

        shapes.Keys.Should().BeEquivalentTo(expected.Keys);
        shapes.Should().AllSatisfy(p => p.Value.Should().Equal(expected[p.Key], p.Key));
        shapes.Values.Sum(s => s.Aggregate(1L, (a, b) => a * b)).Should().Be(126_892_531);
    }

    [Fact]
    public void Fixture_loads_strictly_and_its_config_is_read()
    {
        var config = WanVaeConfig.FromJson(Path.Combine(VaeFixture.Folder, "config.json"));
        using var model = new WanVae(config);
        using var source = TensorSource.Open(VaeFixture.Folder);

        var report = ModuleWeightLoader.Load(model, source);

        config.BaseDim.Should().Be(16);
        config.ZDim.Should().Be(4);
        config.DimMult.Should().Equal(1, 2, 2, 2);
        config.LatentsStd.Should().Equal(1.5, 0.8, 1.2, 2.0);
        report.Loaded.Should().HaveCount(source.Keys.Count);
        report.Missing.Should().BeEmpty();
        report.Unexpected.Should().BeEmpty();
    }

    [Fact]
    public void A_checkpoint_missing_a_tensor_fails_with_its_name()
    {
        using var folder = new TempFolder();
        using (var source = TensorSource.Open(VaeFixture.Folder))
        using (var scope = NewDisposeScope())
        {
            var kept = source.Keys.Where(k => k != "decoder.conv_out.bias").Select(k => (k, source.ReadTensor(k))).ToList();
            SafetensorsWriter.Write(folder.File("model.safetensors"), kept);
        }
        File.Copy(Path.Combine(VaeFixture.Folder, "config.json"), folder.File("config.json"));

        var load = () => WanVaeWeights.Load(folder.Path);

        load.Should().Throw<WeightLoadException>().Which.Missing.Should().Equal("decoder.conv_out.bias");
    }

    [Fact]
    public void Bf16_weights_load_as_float32_and_still_match_closely()
    {
        using var folder = new TempFolder();
        using (var source = TensorSource.Open(VaeFixture.Folder))
        using (var scope = NewDisposeScope())
        {
            var halved = source.Keys.Select(k => (k, source.ReadTensor(k).to(ScalarType.BFloat16))).ToList();
            SafetensorsWriter.Write(folder.File("model.safetensors"), halved);
        }
        File.Copy(Path.Combine(VaeFixture.Folder, "config.json"), folder.File("config.json"));

        using var model = WanVaeWeights.Load(folder.Path);
        using var noGrad = no_grad();
        using var posterior = model.Encode(VaeFixture.Read("video"));
        using var expected = VaeFixture.Read("latent_mean");

        model.parameters().Should().AllSatisfy(p => p.dtype.Should().Be(ScalarType.Float32));
        var error = VaeFixture.MaxAbs(posterior.Mean, expected);
        error.Should().BeGreaterThan(0).And.BeLessThan(0.05, "bf16 rounding of the weights changes the output only slightly");
    }

    [Fact]
    public void Meta_construction_allocates_no_data_and_default_construction_initialises()
    {
        using var meta = new WanVae(new WanVaeConfig { BaseDim = 16, ZDim = 4, DimMult = [1, 2, 2, 2], NumResBlocks = 1, LatentsMean = [0, 0, 0, 0], LatentsStd = [1, 1, 1, 1] }, META);
        using var real = new WanVae(new WanVaeConfig { BaseDim = 16, ZDim = 4, DimMult = [1, 2, 2, 2], NumResBlocks = 1, LatentsMean = [0, 0, 0, 0], LatentsStd = [1, 1, 1, 1] });

        meta.parameters().Should().AllSatisfy(p => p.device_type.Should().Be(DeviceType.META));
        var named = real.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        named["encoder.conv_in.weight"].abs().max().item<float>().Should().BeLessThanOrEqualTo((float)(1 / Math.Sqrt(3 * 27)) + 1e-6f).And.BeGreaterThan(0);
        named["encoder.norm_out.gamma"].eq(1).all().item<bool>().Should().BeTrue();
        named["decoder.conv_out.bias"].abs().sum().item<float>().Should().BeGreaterThan(0);
    }
}
