using TorchSharp;

namespace SemanticGen.Models.Runtime;

/// <summary>
/// Float32 math without TensorFloat-32 for as long as it is held, then the previous settings back. libtorch lets cuDNN
/// convolutions use TF32 (a 10-bit mantissa) by default on Ampere and newer GPUs; on an H200 that alone put max errors of
/// 2.5e-3 (Wan VAE decode) and 4.9e-4 (Wan transformer, whose patch embedding is a Conv3d) into parity checks whose
/// bound is 1e-4 (fourteenth session, build/gpu-bench.sh; docs/torchsharp-notes.md). Parity checks compare exact fp32,
/// so they run inside one of these; generation and training keep the library's defaults. On the CPU both flags are
/// inert.
/// </summary>
public sealed class ExactFloat32 : IDisposable
{
    private readonly bool previousCudnn;
    private readonly bool previousMatmul;
    private bool disposed;

    private ExactFloat32()
    {
        previousCudnn = torch.backends.cudnn.allow_tf32;
        previousMatmul = torch.backends.cuda.matmul.allow_tf32;
        torch.backends.cudnn.allow_tf32 = false;
        torch.backends.cuda.matmul.allow_tf32 = false;
    }

    /// <summary>Turns TF32 off for cuDNN convolutions and cuBLAS matmuls until the returned scope is disposed.</summary>
    public static ExactFloat32 Enter() => new();

    public void Dispose()
    {
        if (disposed)
            return;
        disposed = true;
        torch.backends.cudnn.allow_tf32 = previousCudnn;
        torch.backends.cuda.matmul.allow_tf32 = previousMatmul;
    }
}
