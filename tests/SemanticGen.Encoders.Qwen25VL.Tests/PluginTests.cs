using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>Registration, configuration resolution, device and dtype.</summary>
public sealed class PluginTests
{
    [Fact]
    public void The_plugin_registers_one_factory_under_its_key_and_in_the_list()
    {
        var services = new ServiceCollection().AddQwen25VLEncoder().AddQwen25VLEncoder();
        using var provider = services.BuildServiceProvider();

        var keyed = provider.GetRequiredKeyedService<ISemanticEncoderFactory>("qwen2.5-vl");
        var listed = provider.GetServices<ISemanticEncoderFactory>().ToList();

        keyed.Key.Should().Be("qwen2.5-vl");
        listed.Should().ContainSingle().Which.Should().BeSameAs(keyed);
        using var encoder = keyed.Create(new SemanticEncoderSettings("qwen2.5-vl", Weights: QwenFixture.WeightsFile));
        encoder.Info.Should().Be(new SemanticEncoderInfo("qwen2.5-vl", 80, 1.6, new EncoderInputRules(2, 28)));
        using var features = encoder.Encode(new VideoFrames(QwenFixture.Frames(1, 2, 56, 84, seed: 5), 1.6));
        features.Tokens.shape.Should().Equal(1, 6, 80);
    }

    [Fact]
    public void A_whole_VLM_config_is_read_from_its_vision_config_section()
    {
        using var folder = new TempFolder();
        // The shape of Qwen/Qwen2.5-VL-3B-Instruct's config.json (text fields abridged), channel count as "in_chans".
        File.WriteAllText(folder.File("config.json"), """
            { "architectures": ["Qwen2_5_VLForConditionalGeneration"], "model_type": "qwen2_5_vl", "hidden_size": 2048,
              "vision_config": { "depth": 32, "hidden_act": "silu", "hidden_size": 1280, "intermediate_size": 3420,
                "num_heads": 16, "in_chans": 3, "out_hidden_size": 2048, "patch_size": 14, "spatial_merge_size": 2,
                "spatial_patch_size": 14, "window_size": 112, "fullatt_block_indexes": [7, 15, 23, 31],
                "tokens_per_second": 2, "temporal_patch_size": 2 } }
            """);

        var config = Qwen25VLEncoderFactory.ResolveConfig(new SemanticEncoderSettings("qwen2.5-vl", Config: folder.File("config.json")));

        config.Should().BeEquivalentTo(Qwen25VLPresets.Get("3b"));
    }

    [Fact]
    public void Without_a_config_the_preset_decides_and_without_either_the_error_says_so()
    {
        Qwen25VLEncoderFactory.ResolveConfig(new SemanticEncoderSettings("qwen2.5-vl", Preset: "72b")).OutHiddenSize.Should().Be(8192);

        var act = () => Qwen25VLEncoderFactory.ResolveConfig(new SemanticEncoderSettings("qwen2.5-vl"));

        act.Should().Throw<ArgumentException>().WithMessage("*no config.json*3b, 7b, 32b, 72b*");
    }

    [Fact]
    public void A_bfloat16_encoder_runs_in_bfloat16_close_to_float32()
    {
        using var scope = NewDisposeScope();
        var factory = new Qwen25VLEncoderFactory();
        var frames = QwenFixture.Frames(1, 2, 140, 196, seed: 11);
        using var full = factory.Create(new SemanticEncoderSettings("qwen2.5-vl", Weights: QwenFixture.WeightsFile));
        using var half = factory.Create(new SemanticEncoderSettings("qwen2.5-vl", Weights: QwenFixture.WeightsFile, Dtype: "bfloat16"));

        using var expected = full.Encode(new VideoFrames(frames, 1.6));
        using var actual = half.Encode(new VideoFrames(frames, 1.6));

        actual.Tokens.dtype.Should().Be(ScalarType.BFloat16);
        var scale = expected.Tokens.abs().max().item<float>();
        QwenFixture.MaxAbs(actual.Tokens, expected.Tokens).Should().BeLessThan(0.05 * scale);
    }

    [Fact]
    public void An_unknown_dtype_is_refused()
    {
        var act = () => new Qwen25VLEncoderFactory().Create(new SemanticEncoderSettings("qwen2.5-vl", Preset: "3b", Dtype: "int8"));

        act.Should().Throw<ArgumentException>().WithMessage("*int8*float32, bfloat16 or float16*");
    }
}
