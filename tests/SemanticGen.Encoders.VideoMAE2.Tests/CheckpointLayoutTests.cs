using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.VideoMAE2.Tests;

/// <summary>
/// The q_bias/v_bias forms: Hugging Face's transformers-4 layout (separate query/key/value weights, no key bias) and the
/// original VideoMAE / VideoMAE 2 layout (fused qkv rows). Both must load to the same model as the transformers-5 layout.
/// </summary>
public sealed class CheckpointLayoutTests
{
    private const int Layers = 2;

    [Theory]
    [InlineData("hf4")]
    [InlineData("original")]
    [InlineData("original-pretraining")]
    public void The_q_bias_v_bias_form_loads_to_identical_outputs(string layout)
    {
        using var folder = new TempFolder();
        var sd = Fixture.RandomisedStateDict(seed: 3);
        foreach (var i in Enumerable.Range(0, Layers))
        {
            // The canonical form of a q_bias/v_bias checkpoint has a zero key bias.
            sd[$"encoder.layer.{i}.attention.attention.key.bias"] = zeros(64);
        }
        SafetensorsWriter.Write(folder.File("canonical.safetensors"), sd);
        var converted = layout == "hf4" ? ToHuggingFace4(sd) : ToOriginal(sd, layout == "original-pretraining" ? "encoder." : "");
        converted.Keys.Should().NotContain(key => key.Contains("key.bias") || key.Contains("k_bias"));
        SafetensorsWriter.Write(folder.File("converted.safetensors"), converted);

        using var canonical = Fixture.CreateEncoder(folder.File("canonical.safetensors"));
        using var mapped = Fixture.CreateEncoder(folder.File("converted.safetensors"));
        var loaded = mapped.Model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        foreach (var i in Enumerable.Range(0, Layers))
        {
            var p = $"encoder.layer.{i}.attention.attention.";
            loaded[p + "key.bias"].count_nonzero().item<long>().Should().Be(0);
            Fixture.MaxAbs(loaded[p + "query.bias"], sd[p + "query.bias"]).Should().Be(0);
            Fixture.MaxAbs(loaded[p + "value.bias"], sd[p + "value.bias"]).Should().Be(0);
            Fixture.MaxAbs(loaded[p + "key.weight"], sd[p + "key.weight"]).Should().Be(0);
        }
        using var pixels = Fixture.Io("pixel_values");
        using var input = Fixture.Pixels(canonical, pixels);
        using var expected = canonical.Encode(input);
        using var actual = mapped.Encode(input);
        Fixture.MaxAbs(actual.Tokens, expected.Tokens).Should().Be(0);
    }

    [Fact]
    public void A_nonzero_key_bias_cannot_change_attention_which_is_why_the_form_drops_it()
    {
        // Softmax over keys is unchanged by adding q·b_k to every score of a query: this is the invariance the mapping relies on.
        using var folder = new TempFolder();
        var sd = Fixture.RandomisedStateDict(seed: 4);
        SafetensorsWriter.Write(folder.File("with.safetensors"), sd);
        sd["encoder.layer.0.attention.attention.key.bias"] = zeros(64);
        sd["encoder.layer.1.attention.attention.key.bias"] = zeros(64);
        SafetensorsWriter.Write(folder.File("without.safetensors"), sd);
        using var with = Fixture.CreateEncoder(folder.File("with.safetensors"));
        using var without = Fixture.CreateEncoder(folder.File("without.safetensors"));
        using var pixels = Fixture.Io("pixel_values");
        using var a = with.Encode(Fixture.Pixels(with, pixels.clone()));
        using var b = without.Encode(Fixture.Pixels(without, pixels.clone()));
        Fixture.MaxAbs(a.Tokens, b.Tokens).Should().BeLessThanOrEqualTo(1e-5);
    }

    [Fact]
    public void A_q_bias_without_its_v_bias_or_of_the_wrong_length_is_a_clear_error()
    {
        using var folder = new TempFolder();
        var sd = ToHuggingFace4(Fixture.StateDict());
        sd.Remove("videomae.encoder.layer.1.attention.attention.v_bias");
        SafetensorsWriter.Write(folder.File("lonely.safetensors"), sd);
        var lonely = () => Fixture.CreateEncoder(folder.File("lonely.safetensors"));
        lonely.Should().Throw<WeightLoadException>().WithMessage("*layer.1.attention.attention.q_bias*no partner*v_bias*");

        sd = ToOriginal(Fixture.StateDict(), "");
        sd["blocks.0.attn.q_bias"] = zeros(60);
        sd["blocks.0.attn.v_bias"] = zeros(60);
        SafetensorsWriter.Write(folder.File("short.safetensors"), sd);
        var mismatched = () => Fixture.CreateEncoder(folder.File("short.safetensors"));
        mismatched.Should().Throw<WeightLoadException>().WithMessage("*blocks.0.attn.q_bias*expected [64]*found [60]*");
    }

    [Fact]
    public void Unknown_block_tensors_of_the_original_form_are_reported_not_ignored()
    {
        using var folder = new TempFolder();
        var sd = ToOriginal(Fixture.StateDict(), "");
        sd["blocks.1.gamma_1"] = ones(64);    // layer scale, which this architecture does not have
        SafetensorsWriter.Write(folder.File("gamma.safetensors"), sd);
        var act = () => Fixture.CreateEncoder(folder.File("gamma.safetensors"));
        act.Should().Throw<WeightLoadException>().WithMessage("*unexpected*videomae.blocks.1.gamma_1*");
    }

    /// <summary>transformers-4 hub layout: <c>videomae.</c> prefix, q_bias/v_bias, no query/key/value biases, a head key.</summary>
    internal static Dictionary<string, Tensor> ToHuggingFace4(Dictionary<string, Tensor> sd)
    {
        var result = new Dictionary<string, Tensor> { ["classifier.weight"] = zeros(5, 64) };
        foreach (var (key, value) in sd)
        {
            var renamed = key.Replace("attention.attention.query.bias", "attention.attention.q_bias", StringComparison.Ordinal)
                .Replace("attention.attention.value.bias", "attention.attention.v_bias", StringComparison.Ordinal);
            if (!key.EndsWith("key.bias", StringComparison.Ordinal))
            {
                result["videomae." + renamed] = value;
            }
        }
        return result;
    }

    /// <summary>The original repositories' layout (fused qkv, q_bias/v_bias, timm names), plus a classifier head and the fixed pos_embed.</summary>
    internal static Dictionary<string, Tensor> ToOriginal(Dictionary<string, Tensor> sd, string prefix)
    {
        var result = new Dictionary<string, Tensor>
        {
            [prefix + "patch_embed.proj.weight"] = sd["embeddings.patch_embeddings.projection.weight"],
            [prefix + "patch_embed.proj.bias"] = sd["embeddings.patch_embeddings.projection.bias"],
            [prefix + "pos_embed"] = zeros(1, 32, 64),
            ["head.weight"] = zeros(5, 64),
            ["fc_norm.weight"] = ones(64),
        };
        for (var i = 0; i < Layers; i++)
        {
            string hf = $"encoder.layer.{i}.", og = $"{prefix}blocks.{i}.";
            result[og + "attn.qkv.weight"] = cat([sd[hf + "attention.attention.query.weight"], sd[hf + "attention.attention.key.weight"],
                sd[hf + "attention.attention.value.weight"]], 0);
            result[og + "attn.q_bias"] = sd[hf + "attention.attention.query.bias"];
            result[og + "attn.v_bias"] = sd[hf + "attention.attention.value.bias"];
            foreach (var (from, to) in new[] { ("attention.output.dense", "attn.proj"), ("layernorm_before", "norm1"), ("layernorm_after", "norm2"),
                ("intermediate.dense", "mlp.fc1"), ("output.dense", "mlp.fc2") })
            {
                result[og + to + ".weight"] = sd[hf + from + ".weight"];
                result[og + to + ".bias"] = sd[hf + from + ".bias"];
            }
        }
        return result;
    }
}
