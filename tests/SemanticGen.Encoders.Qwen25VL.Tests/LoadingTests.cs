using System.Text.Json;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Encoders.Qwen25VL.Tests.TestSupport;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Encoders.Qwen25VL.Tests;

/// <summary>Loading the fixture tower from the forms real checkpoints come in, and the errors of broken ones.</summary>
public sealed class LoadingTests
{
    [Fact]
    public void A_sharded_VLM_checkpoint_loads_through_its_index_reading_only_the_tower()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var tower = ReadFixtureWeights();
        var names = tower.Keys.Order(StringComparer.Ordinal).ToArray();
        var llm = new[] { ("model.language_model.embed_tokens.weight", randn(512, 256)), ("lm_head.weight", randn(512, 256)) };
        var shards = new (string Shard, (string Name, Tensor Tensor)[] Tensors)[]
        {
            ("model-00001-of-00003.safetensors", [.. names.Take(30).Select(n => ("model.visual." + n, tower[n])), llm[0]]),
            ("model-00002-of-00003.safetensors", [.. names.Skip(30).Select(n => ("model.visual." + n, tower[n]))]),
            ("model-00003-of-00003.safetensors", [llm[1]]),
        };
        var index = WriteSharded(folder.Path, shards);
        File.Copy(Path.Combine(QwenFixture.Folder, "config.json"), folder.File("config.json"));

        using (var source = ShardedCheckpoint.Open(index))
        using (var module = new Qwen25VisionTower(QwenFixture.Config))
        {
            var report = Qwen25VLWeights.Load(module, source);

            report.IsExactMatch.Should().BeTrue();
            report.Skipped.Should().BeEquivalentTo("model.language_model.embed_tokens.weight", "lm_head.weight");
            source.OpenedShards.Select(Path.GetFileName).Should().BeEquivalentTo("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors");
            var towerBytes = tower.Values.Sum(t => t.NumberOfElements * 4);
            source.BytesRead.Should().BeLessThan(towerBytes + 64 * 1024, "the LLM tensors (1 MiB) are never read");
        }

        // The factory takes the folder: index and config.json are found there.
        using var encoder = new Qwen25VLEncoderFactory().Create(new SemanticEncoderSettings("qwen2.5-vl", Weights: folder.Path));
        using var features = encoder.Encode(new VideoFrames(ReadIo("frames_uint8").unsqueeze(0), 1.6));
        QwenFixture.MaxAbs(features.Tokens[0], ReadIo("pooler_output")).Should().BeLessThan(1e-4);
    }

    [Fact]
    public void Bf16_weights_load_into_a_float32_tower()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var bf16 = ReadFixtureWeights().ToDictionary(e => "visual." + e.Key, e => e.Value.to(ScalarType.BFloat16));
        SafetensorsWriter.Write(folder.File("model.safetensors"), bf16);

        using var encoder = new Qwen25VLEncoder(QwenFixture.Config, folder.File("model.safetensors"));

        var loaded = QwenFixture.Parameters(encoder);
        loaded.Should().HaveCount(bf16.Count);
        loaded.Should().AllSatisfy(e => e.Value.dtype.Should().Be(ScalarType.Float32));
        loaded.Should().AllSatisfy(e => QwenFixture.MaxAbs(e.Value, bf16["visual." + e.Key]).Should().Be(0, e.Key));
        using var features = encoder.Encode(new VideoFrames(ReadIo("frames_uint8").unsqueeze(0), 1.6));
        QwenFixture.MaxAbs(features.Tokens[0], ReadIo("pooler_output")).Should().BeLessThan(0.1, "bf16-rounded weights stay close");
    }

    [Fact]
    public void A_missing_key_is_named()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var weights = ReadFixtureWeights();
        weights.Remove("blocks.1.mlp.up_proj.bias");
        SafetensorsWriter.Write(folder.File("model.safetensors"), weights);

        var act = () => new Qwen25VLEncoder(QwenFixture.Config, folder.File("model.safetensors"));

        act.Should().Throw<WeightLoadException>().WithMessage("*missing*blocks.1.mlp.up_proj.bias*")
            .Which.Missing.Should().Equal("blocks.1.mlp.up_proj.bias");
    }

    [Fact]
    public void A_wrong_shape_is_named_with_expected_and_found()
    {
        using var folder = new TempFolder();
        using var scope = NewDisposeScope();
        var weights = ReadFixtureWeights();
        weights["merger.mlp.2.weight"] = zeros(81, 256);
        SafetensorsWriter.Write(folder.File("model.safetensors"), weights);

        var act = () => new Qwen25VLEncoder(QwenFixture.Config, folder.File("model.safetensors"));

        act.Should().Throw<WeightLoadException>().WithMessage("*merger.mlp.2.weight*expected [80, 256], found [81, 256]*");
    }

    [Fact]
    public void A_file_that_is_not_safetensors_is_named()
    {
        using var folder = new TempFolder();
        var path = folder.WriteBytes("model.safetensors", "this is a pickle, honestly"u8.ToArray());

        var act = () => new Qwen25VLEncoder(QwenFixture.Config, path);

        act.Should().Throw<SafetensorsFormatException>().WithMessage($"*{path}*");
    }

    private static Dictionary<string, Tensor> ReadFixtureWeights()
    {
        using var file = SafetensorsFile.Open(QwenFixture.WeightsFile);
        return file.Keys.ToDictionary(k => k, k => file.ReadTensor(k));
    }

    private static Tensor ReadIo(string key)
    {
        using var file = SafetensorsFile.Open(QwenFixture.IoFile);
        return file.ReadTensor(key);
    }

    // Shards plus an index laid out the way Hugging Face writes them.
    private static string WriteSharded(string folder, (string Shard, (string Name, Tensor Tensor)[] Tensors)[] shards)
    {
        foreach (var (shard, tensors) in shards)
        {
            SafetensorsWriter.Write(Path.Combine(folder, shard), tensors);
        }
        var weightMap = shards.SelectMany(s => s.Tensors.Select(t => (t.Name, s.Shard))).ToDictionary(p => p.Name, p => p.Shard);
        var path = Path.Combine(folder, "model.safetensors.index.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { metadata = new { total_size = 0 }, weight_map = weightMap }));
        return path;
    }
}
