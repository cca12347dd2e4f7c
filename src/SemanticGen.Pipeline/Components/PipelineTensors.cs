using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Models.TextEncoder;
using TorchSharp;
using static TorchSharp.torch;
using SemanticGen.Abstractions;

namespace SemanticGen.Pipeline.Components;

/// <summary>The tensor conversions every stage and recipe shares; pure functions of their inputs.</summary>
public static class PipelineTensors
{
    private static readonly double[] ImageNetMean = [0.485, 0.456, 0.406];
    private static readonly double[] ImageNetStd = [0.229, 0.224, 0.225];

    // Kept alive for the process: a Scalar created inline may be finalized while libtorch still uses it (docs/torchsharp-notes.md).
    private static readonly Scalar One = 1.0.ToScalar(), MinusOne = (-1.0).ToScalar(), Half = 0.5.ToScalar(), ByteScale = 127.5.ToScalar(), InverseByteScale = (2.0 / 255.0).ToScalar();

    /// <summary>
    /// Text hidden states (B, L, D) of <paramref name="prompts"/>: umT5 over the padded ids, padded positions set to 0
    /// (what Wan's pipeline feeds its cross-attention). No gradients.
    /// </summary>
    public static Tensor EncodeText(Text.PromptTokenizer tokenizer, Umt5EncoderModel encoder, IReadOnlyList<string> prompts)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (ids, mask) = tokenizer.Encode(prompts);                                  // (B, L), (B, L)
        var hidden = encoder.forward(ids, mask);                                       // (B, L, D)
        return hidden.mul(mask.unsqueeze(-1).to(hidden.dtype)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Semantic-encoder input from video (B, 3, F, H, W) in [−1, 1]: the sampled frames (<paramref name="frameIndices"/>)
    /// as (B, n, 3, H, W), rescaled to [0, 1] and normalised with ImageNet mean/std (VideoMAE's processor).
    /// </summary>
    public static Tensor SemanticEncoderInput(Tensor video, IReadOnlyList<long> frameIndices)
    {
        using var scope = NewDisposeScope();
        var index = tensor(frameIndices.ToArray(), device: video.device);
        var frames = video.index_select(2, index).permute(0, 2, 1, 3, 4);              // (B, n, 3, H, W)
        var unit = frames.add(One, TorchScalars.One).mul(Half);                               // [0, 1]
        var mean = tensor(ImageNetMean, ScalarType.Float32, video.device).view(1, 1, 3, 1, 1);
        var std = tensor(ImageNetStd, ScalarType.Float32, video.device).view(1, 1, 3, 1, 1);
        return unit.sub(mean).div(std).MoveToOuterDisposeScope();
    }

    /// <summary>Semantic features (B, N, E) of video (B, 3, F, H, W) in [−1, 1]: the encoder's full token grid. No gradients.</summary>
    public static Tensor SemanticFeatures(VideoMAEModel encoder, Tensor video, SemanticSampling sampling)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var input = SemanticEncoderInput(video, sampling.FrameIndices((int)video.shape[2]));
        return encoder.forward(input).MoveToOuterDisposeScope();
    }

    /// <summary>Per-channel (mean, std) tensors (d,) of the manifest's semantic statistics (0 and 1 when absent).</summary>
    public static (Tensor Mean, Tensor Std) SemanticStatistics(PipelineManifest manifest)
    {
        var d = manifest.Compressor.TokenDim;
        var mean = manifest.SemanticMean.Count == d ? manifest.SemanticMean.ToArray() : new double[d];
        var std = manifest.SemanticStd.Count == d ? manifest.SemanticStd.ToArray() : Enumerable.Repeat(1.0, d).ToArray();
        return (tensor(mean, ScalarType.Float32), tensor(std, ScalarType.Float32));
    }

    /// <summary>uint8 frames (F, H, W, 3) → video (1, 3, F, H, W) in [−1, 1] (<c>x · 2/255 − 1</c>), the inverse of <see cref="ToFrames"/> for one clip.</summary>
    public static Tensor FromFrames(Tensor frames)
    {
        ArgumentNullException.ThrowIfNull(frames);
        if (frames.dim() != 4 || frames.shape[3] != 3)
            throw new ArgumentException($"frames must be (F, H, W, 3), found ({string.Join(", ", frames.shape)})", nameof(frames));
        using var scope = NewDisposeScope();
        return frames.permute(3, 0, 1, 2).unsqueeze(0).to(ScalarType.Float32).mul(InverseByteScale).sub(One).MoveToOuterDisposeScope();
    }

    /// <summary>Video (B, 3, F, H, W) in [−1, 1] → uint8 frames (B, F, H, W, 3), rounded.</summary>
    public static Tensor ToFrames(Tensor video)
    {
        using var scope = NewDisposeScope();
        var scaled = video.clamp(MinusOne, One).add(One, TorchScalars.One).mul(ByteScale).round();
        return scaled.permute(0, 2, 3, 4, 1).to(ScalarType.Byte).contiguous().MoveToOuterDisposeScope();
    }
}
