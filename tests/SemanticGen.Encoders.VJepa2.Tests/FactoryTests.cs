using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VJepa2.Tests;

/// <summary>Settings → encoder, and the plugin's DI registration.</summary>
public sealed class FactoryTests
{
    private static SemanticEncoderSettings FixtureSettings(string dtype = "float32") =>
        new("vjepa2", Weights: Fixture.Weights, Dtype: dtype);

    private static double RecordedError(ISemanticEncoder encoder)
    {
        using var frames = Fixture.Read("frames_uint8");
        using var batch = frames.unsqueeze(0);
        using var recorded = Fixture.Read("last_hidden_state");
        using var features = encoder.Encode(new VideoFrames(batch, 1.6));
        return Fixture.MaxAbs(features.Tokens.to(ScalarType.Float32), recorded);
    }

    [Fact]
    public void The_registered_keyed_factory_builds_the_fixture_encoder()
    {
        var services = new ServiceCollection();

        services.AddVJepa2Encoder().Should().BeSameAs(services);
        services.AddVJepa2Encoder();
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredKeyedService<ISemanticEncoderFactory>("vjepa2");
        using var encoder = factory.Create(FixtureSettings());

        factory.Key.Should().Be("vjepa2");
        provider.GetServices<ISemanticEncoderFactory>().Should().ContainSingle().Which.Should().BeSameAs(factory);
        encoder.Info.Key.Should().Be("vjepa2");
        RecordedError(encoder).Should().BeLessThanOrEqualTo(1e-4);
    }

    [Fact]
    public void Config_comes_from_the_settings_then_beside_the_weights_then_the_preset()
    {
        var explicitConfig = VJepa2EncoderFactory.ResolveConfig(new("vjepa2", Weights: "/nowhere/model.safetensors", Config: Fixture.ConfigPath, Preset: "vit-l"));
        var besideFile = VJepa2EncoderFactory.ResolveConfig(new("vjepa2", Weights: Fixture.Weights, Preset: "vit-l"));
        var besideFolder = VJepa2EncoderFactory.ResolveConfig(new("vjepa2", Weights: Fixture.Folder));
        var preset = VJepa2EncoderFactory.ResolveConfig(new("vjepa2", Weights: "/nowhere/model.safetensors", Preset: "vit-h"));
        var none = () => VJepa2EncoderFactory.ResolveConfig(new("vjepa2"));

        explicitConfig.Should().Be(Fixture.Config);
        besideFile.Should().Be(Fixture.Config);
        besideFolder.Should().Be(Fixture.Config);
        preset.Should().Be(VJepa2Presets.Get("vit-h"));
        none.Should().Throw<ArgumentException>().WithMessage("*config.json*vit-l, vit-h, vit-g*");
    }

    [Fact]
    public void The_fixture_config_json_is_read_field_by_field()
    {
        Fixture.Config.Should().Be(new VJepa2Config
        {
            HiddenSize = 64, NumHiddenLayers = 2, NumAttentionHeads = 4, MlpRatio = 2.0, PatchSize = 16, TubeletSize = 2,
            CropSize = 64, FramesPerClip = 4, InChannels = 3, LayerNormEps = 1e-6, QkvBias = true,
        });
    }

    [Fact]
    public void A_config_of_another_model_type_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("config.json");
        File.WriteAllText(path, """{"model_type": "videomae", "hidden_size": 64}""");

        var read = () => VJepa2Config.FromJson(path);

        read.Should().Throw<InvalidDataException>().WithMessage("*'videomae'*'vjepa2'*");
    }

    [Fact]
    public void A_bfloat16_encoder_stays_close_to_the_float32_reference()
    {
        using var encoder = (VJepa2SemanticEncoder)new VJepa2EncoderFactory().Create(FixtureSettings("bfloat16"));

        encoder.Model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.BFloat16);
        RecordedError(encoder).Should().BeLessThan(0.15);
    }

    [Fact]
    public void Without_weights_the_model_is_initialised_like_the_reference()
    {
        using var encoder = (VJepa2SemanticEncoder)new VJepa2EncoderFactory().Create(new("vjepa2", Config: Fixture.ConfigPath));
        var parameters = encoder.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        parameters["encoder.layernorm.weight"].allclose(ones(64)).Should().BeTrue();
        parameters["encoder.layer.0.mlp.fc1.bias"].count_nonzero().item<long>().Should().Be(0);
        var std = parameters["encoder.layer.0.attention.query.weight"].std().item<float>();
        std.Should().BeInRange(0.015f, 0.025f);
    }

    [Fact]
    public void An_unknown_dtype_is_refused()
    {
        var create = () => new VJepa2EncoderFactory().Create(FixtureSettings("int8"));

        create.Should().Throw<ArgumentException>().WithMessage("*'int8'*float32, bfloat16 or float16*");
    }
}
