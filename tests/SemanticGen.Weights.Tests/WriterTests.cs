using SemanticGen.Weights.Tests.TestSupport;
using TorchSharp;

namespace SemanticGen.Weights.Tests;

/// <summary>The writer: layouts, dtypes, non-contiguous input and atomic replacement.</summary>
public sealed class WriterTests
{
    [Fact]
    public void Non_contiguous_tensors_are_written_in_logical_order()
    {
        using var folder = new TempFolder();
        using var matrix = torch.arange(12, torch.ScalarType.Float32).reshape(3, 4);
        using var transposed = matrix.t();
        using var strided = matrix.index(torch.TensorIndex.Colon, torch.TensorIndex.Slice(null, null, 2));
        transposed.is_contiguous().Should().BeFalse();
        strided.is_contiguous().Should().BeFalse();

        SafetensorsWriter.Write(folder.File("nc.safetensors"), [("t", transposed), ("s", strided)]);

        using var file = SafetensorsFile.Open(folder.File("nc.safetensors"));
        using var t = file.ReadTensor("t");
        using var s = file.ReadTensor("s");
        t.shape.Should().Equal(4, 3);
        t.data<float>().ToArray().Should().Equal(0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11);
        s.data<float>().ToArray().Should().Equal(0, 2, 4, 6, 8, 10);
    }

    [Fact]
    public void Every_torch_dtype_round_trips_in_the_given_order()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        using var source = torch.linspace(-3, 3, 6, torch.ScalarType.Float64).reshape(2, 3);
        var types = new[]
        {
            torch.ScalarType.BFloat16, torch.ScalarType.Bool, torch.ScalarType.Float16, torch.ScalarType.Float32,
            torch.ScalarType.Float64, torch.ScalarType.Int8, torch.ScalarType.Byte, torch.ScalarType.Int16,
            torch.ScalarType.Int32, torch.ScalarType.Int64, torch.ScalarType.ComplexFloat32,
        };
        var tensors = types.Select(t => (t.ToString(), source.to(t))).ToList();

        SafetensorsWriter.Write(folder.File("all.safetensors"), tensors, order: TensorOrder.AsGiven);

        using var file = SafetensorsFile.Open(folder.File("all.safetensors"));
        file.Keys.Should().Equal(types.Select(t => t.ToString()));
        foreach (var (name, expected) in tensors)
        {
            var read = file.ReadTensor(name);
            read.dtype.Should().Be(expected.dtype);
            read.shape.Should().Equal(2, 3);
            TensorBytes.Of(read).Should().Equal(TensorBytes.Of(expected), because: name);
        }
    }

    [Fact]
    public void Sorted_order_puts_wider_dtypes_first_then_names_and_keeps_every_tensor_aligned()
    {
        using var folder = new TempFolder();
        using var scope = torch.NewDisposeScope();
        var tensors = new (string, torch.Tensor)[]
        {
            ("b_u8", torch.ones(3, torch.ScalarType.Byte)),
            ("a_f16", torch.ones(3, torch.ScalarType.Float16)),
            ("c_f64", torch.ones(1, torch.ScalarType.Float64)),
            ("a_f32", torch.ones(1, torch.ScalarType.Float32)),
            ("a_u8", torch.ones(1, torch.ScalarType.Byte)),
        };

        SafetensorsWriter.Write(folder.File("s.safetensors"), tensors);

        using var file = SafetensorsFile.Open(folder.File("s.safetensors"));
        file.Keys.Should().Equal("c_f64", "a_f32", "a_f16", "a_u8", "b_u8");
        file.Tensors.Should().OnlyContain(t => t.FileOffset % (t.Dtype.BitSize() / 8) == 0);
        (8 + file.HeaderLength).Should().Be(file.Tensors[0].FileOffset).And.Match(v => v % 8 == 0);
    }

    [Fact]
    public void Replacing_a_file_is_atomic_for_a_reader_holding_the_old_one()
    {
        using var folder = new TempFolder();
        var path = folder.File("w.safetensors");
        using var before = torch.full(4, 1f);
        using var after = torch.full(4, 2f);
        SafetensorsWriter.Write(path, [("w", before)]);
        using var oldReader = SafetensorsFile.Open(path);

        SafetensorsWriter.Write(path, [("w", after)]);

        using var oldValues = oldReader.ReadTensor("w");
        oldValues.data<float>().ToArray().Should().Equal(1, 1, 1, 1);
        using var newReader = SafetensorsFile.Open(path);
        using var newValues = newReader.ReadTensor("w");
        newValues.data<float>().ToArray().Should().Equal(2, 2, 2, 2);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void A_failed_write_leaves_the_existing_file_intact_and_no_temporary_files()
    {
        using var folder = new TempFolder();
        var path = folder.File("w.safetensors");
        using var good = torch.ones(2);
        using var complex128 = torch.ones(2, torch.ScalarType.ComplexFloat64);
        SafetensorsWriter.Write(path, [("w", good)]);
        var original = File.ReadAllBytes(path);

        FluentActions.Invoking(() => SafetensorsWriter.Write(path, [("w", good), ("c", complex128)]))
            .Should().Throw<NotSupportedException>().WithMessage("*ComplexFloat64*");
        FluentActions.Invoking(() => SafetensorsWriter.Write(path, [("w", good), ("w", good)]))
            .Should().Throw<ArgumentException>().WithMessage("*'w'*more than once*");
        FluentActions.Invoking(() => SafetensorsWriter.Write(path, [("__metadata__", good)]))
            .Should().Throw<ArgumentException>().WithMessage("*reserved*");

        File.ReadAllBytes(path).Should().Equal(original);
        Directory.GetFiles(folder.Path).Should().Equal(path);
    }

    [Fact]
    public void A_rename_that_fails_removes_the_temporary_file()
    {
        using var folder = new TempFolder();
        var target = folder.File("occupied");
        Directory.CreateDirectory(target);
        using var tensor = torch.ones(2);

        FluentActions.Invoking(() => SafetensorsWriter.Write(target, [("w", tensor)])).Should().Throw<IOException>();

        Directory.GetFiles(folder.Path).Should().BeEmpty();
    }

    [Fact]
    public void Parameters_that_require_grad_are_written_with_their_values()
    {
        using var folder = new TempFolder();
        using var linear = torch.nn.Linear(3, 2);

        SafetensorsWriter.Write(folder.File("linear.safetensors"), linear.state_dict());

        using var file = SafetensorsFile.Open(folder.File("linear.safetensors"));
        using var weight = file.ReadTensor("weight");
        TensorBytes.Of(weight).Should().Equal(TensorBytes.Of(linear.weight!));
        file.Keys.Should().BeEquivalentTo("weight", "bias");
    }
}
