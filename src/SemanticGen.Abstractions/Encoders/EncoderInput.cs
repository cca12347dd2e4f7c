using TorchSharp;

namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// Frames for an encoder: uint8 RGB of shape (B, T, H, W, 3), sampled at <paramref name="Fps"/>. The caller keeps
/// ownership of <paramref name="Frames"/>.
/// </summary>
public sealed record VideoFrames(torch.Tensor Frames, double Fps);

/// <summary>
/// An encoder's own model input after its preprocessing, e.g. Qwen2.5-VL's flattened patches (B, N, 1176) with the
/// patch grid, or V-JEPA 2's normalised (B, T, C, H, W) pixels. <paramref name="PatchGrid"/> is the grid of the
/// model's input patches (before any merging); <paramref name="Fps"/> the rate the frames were sampled at.
/// The holder owns <paramref name="Pixels"/> (dispose the record).
/// </summary>
public sealed record PreprocessedVideo(torch.Tensor Pixels, SemanticGrid PatchGrid, double Fps) : IDisposable
{
    public void Dispose() => Pixels.Dispose();
}
