using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>Sharded checkpoints through <c>model.safetensors.index.json</c>, and <see cref="TensorSource.Open"/>.</summary>
public sealed class ShardedCheckpointTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly torch.Tensor _a = torch.arange(6, torch.ScalarType.Float32).reshape(2, 3);
    private readonly torch.Tensor _b = torch.full(4, 7L, torch.ScalarType.Int64);
    private readonly torch.Tensor _c = torch.ones(2, torch.ScalarType.BFloat16);

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
        _c.Dispose();
        _folder.Dispose();
    }

    private string WriteTwoShards() => ShardedFiles.Write(_folder.Path,
        ("model-00001-of-00002.safetensors", [("a", _a), ("b", _b)]),
        ("model-00002-of-00002.safetensors", [("c", _c)]));

    [Fact]
    public void Tensors_are_read_through_the_index_opening_only_the_shard_asked_for()
    {
        var indexPath = WriteTwoShards();

        using var checkpoint = ShardedCheckpoint.Open(indexPath);

        checkpoint.Keys.Should().Equal("a", "b", "c");
        checkpoint.Metadata["total_size"].Should().Be("60");
        checkpoint.OpenedShards.Should().BeEmpty();
        using var c = checkpoint.ReadTensor("c", torch.ScalarType.Float32);
        c.data<float>().ToArray().Should().Equal(1, 1);
        checkpoint.OpenedShards.Should().Equal(_folder.File("model-00002-of-00002.safetensors"));
        checkpoint.GetInfo("b").Shape.Should().Equal(4);
        checkpoint.GetInfo("b").File.Should().Be(_folder.File("model-00001-of-00002.safetensors"));
        using var a = checkpoint.ReadTensor("a");
        a.data<float>().ToArray().Should().Equal(0, 1, 2, 3, 4, 5);
        checkpoint.ShardOf("a").Should().Be(_folder.File("model-00001-of-00002.safetensors"));
    }

    [Fact]
    public void Open_accepts_a_file_an_index_or_a_folder()
    {
        var indexPath = WriteTwoShards();

        using (var fromFolder = TensorSource.Open(_folder.Path))
        {
            fromFolder.Should().BeOfType<ShardedCheckpoint>().Which.Path.Should().Be(indexPath);
        }
        using (var fromIndex = TensorSource.Open(indexPath))
        {
            fromIndex.Keys.Should().Equal("a", "b", "c");
        }
        using var fromFile = TensorSource.Open(_folder.File("model-00002-of-00002.safetensors"));
        fromFile.Should().BeOfType<SafetensorsFile>().Which.Keys.Should().Equal("c");
    }

    [Fact]
    public void A_folder_without_an_index_opens_its_model_file_and_refuses_to_guess_between_others()
    {
        SafetensorsWriter.Write(_folder.File("first.safetensors"), [("a", _a)]);
        SafetensorsWriter.Write(_folder.File("second.safetensors"), [("b", _b)]);

        FluentActions.Invoking(() => TensorSource.Open(_folder.Path)).Should().Throw<ArgumentException>()
            .WithMessage("*first.safetensors*second.safetensors*");

        SafetensorsWriter.Write(_folder.File("model.safetensors"), [("c", _c)]);
        using var source = TensorSource.Open(_folder.Path);
        source.Keys.Should().Equal("c");
        using var empty = new TempFolder();
        FluentActions.Invoking(() => TensorSource.Open(empty.Path)).Should().Throw<FileNotFoundException>();
    }

    [Fact]
    public void An_index_naming_a_missing_shard_fails_naming_the_index_the_shard_and_a_key()
    {
        var indexPath = WriteTwoShards();
        File.Delete(_folder.File("model-00002-of-00002.safetensors"));

        var thrown = FluentActions.Invoking(() => ShardedCheckpoint.Open(indexPath)).Should()
            .ThrowExactly<SafetensorsFormatException>().Which;

        thrown.Rule.Should().Be(FormatRules.IndexShardMissing);
        thrown.File.Should().Be(indexPath);
        thrown.Tensor.Should().Be("c");
        thrown.Message.Should().Contain(indexPath).And.Contain("model-00002-of-00002.safetensors").And.Contain("'c'");
    }

    [Fact]
    public void A_key_that_its_shard_lacks_fails_naming_the_key_the_shard_and_the_index()
    {
        WriteTwoShards();
        var indexPath = ShardedFiles.WriteIndex(_folder.Path, """
            {"weight_map": {"a": "model-00001-of-00002.safetensors", "c": "model-00001-of-00002.safetensors"}}
            """);
        using var checkpoint = ShardedCheckpoint.Open(indexPath);

        var thrown = FluentActions.Invoking(() => checkpoint.ReadTensor("a")).Should()
            .ThrowExactly<SafetensorsFormatException>().Which;

        thrown.Rule.Should().Be(FormatRules.IndexKeyNotInShard);
        thrown.Tensor.Should().Be("c");
        thrown.File.Should().Be(_folder.File("model-00001-of-00002.safetensors"));
        thrown.Message.Should().Contain(indexPath);
    }

    [Theory]
    [InlineData("""{"metadata": {}}""", FormatRules.InvalidIndex, null)]
    [InlineData("""{"weight_map": []}""", FormatRules.InvalidIndex, null)]
    [InlineData("""{"weight_map": {"a": 3}}""", FormatRules.InvalidIndex, "a")]
    [InlineData("""{"weight_map": {"a": "model-00001-of-00002.safetensors",""", FormatRules.InvalidIndex, null)]
    [InlineData("""{"weight_map": {"a": "model-00001-of-00002.safetensors", "a": "model-00001-of-00002.safetensors"}}""", FormatRules.DuplicateKey, "a")]
    [InlineData("""{"weight_map": {"a": "../model-00001-of-00002.safetensors"}}""", FormatRules.IndexShardPathOutsideFolder, "a")]
    [InlineData("""{"weight_map": {"a": "/etc/passwd"}}""", FormatRules.IndexShardPathOutsideFolder, "a")]
    public void Malformed_indexes_fail_with_a_format_error(string json, string rule, string? tensor)
    {
        WriteTwoShards();
        var indexPath = ShardedFiles.WriteIndex(_folder.Path, json, "broken.safetensors.index.json");

        var thrown = FluentActions.Invoking(() => ShardedCheckpoint.Open(indexPath)).Should()
            .ThrowExactly<SafetensorsFormatException>().Which;

        thrown.Rule.Should().Be(rule);
        thrown.Tensor.Should().Be(tensor);
        thrown.Message.Should().Contain(indexPath);
    }

    [Fact]
    public void A_malformed_shard_fails_with_the_shards_own_format_error_when_first_used()
    {
        var indexPath = WriteTwoShards();
        File.WriteAllBytes(_folder.File("model-00002-of-00002.safetensors"), [1, 2, 3]);
        using var checkpoint = ShardedCheckpoint.Open(indexPath);

        using var a = checkpoint.ReadTensor("a");
        FluentActions.Invoking(() => checkpoint.GetInfo("c")).Should().ThrowExactly<SafetensorsFormatException>()
            .Which.File.Should().Be(_folder.File("model-00002-of-00002.safetensors"));
        FluentActions.Invoking(() => checkpoint.ReadTensor("zzz")).Should().Throw<KeyNotFoundException>().WithMessage("*zzz*");
    }
}
