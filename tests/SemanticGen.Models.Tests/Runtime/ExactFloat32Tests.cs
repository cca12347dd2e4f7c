using FluentAssertions;
using SemanticGen.Models.Runtime;
using TorchSharp;

namespace SemanticGen.Models.Tests.Runtime;

/// <summary>
/// Parity checks run inside <see cref="ExactFloat32"/>: TF32 off for cuDNN convolutions and cuBLAS matmuls, the caller's
/// settings back afterwards. The flags are libtorch's global context, so this runs on the CPU too.
/// </summary>
public sealed class ExactFloat32Tests
{
    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Turns_tf32_off_while_held_and_restores_the_previous_settings(bool cudnn, bool matmul)
    {
        var savedCudnn = torch.backends.cudnn.allow_tf32;
        var savedMatmul = torch.backends.cuda.matmul.allow_tf32;
        try
        {
            torch.backends.cudnn.allow_tf32 = cudnn;
            torch.backends.cuda.matmul.allow_tf32 = matmul;

            using (ExactFloat32.Enter())
            {
                torch.backends.cudnn.allow_tf32.Should().BeFalse();
                torch.backends.cuda.matmul.allow_tf32.Should().BeFalse();
            }

            torch.backends.cudnn.allow_tf32.Should().Be(cudnn);
            torch.backends.cuda.matmul.allow_tf32.Should().Be(matmul);
        }
        finally
        {
            torch.backends.cudnn.allow_tf32 = savedCudnn;
            torch.backends.cuda.matmul.allow_tf32 = savedMatmul;
        }
    }

    [Fact]
    public void Disposing_twice_does_not_undo_a_later_change()
    {
        var savedCudnn = torch.backends.cudnn.allow_tf32;
        try
        {
            torch.backends.cudnn.allow_tf32 = true;
            var scope = ExactFloat32.Enter();
            scope.Dispose();
            torch.backends.cudnn.allow_tf32 = false;

            scope.Dispose();

            torch.backends.cudnn.allow_tf32.Should().BeFalse();
        }
        finally
        {
            torch.backends.cudnn.allow_tf32 = savedCudnn;
        }
    }
}
