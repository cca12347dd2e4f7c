using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Pipeline.Components;
using TorchSharp;
using static TorchSharp.torch;
using SemanticGen.Abstractions;

namespace SemanticGen.Pipeline.Evaluation;

/// <summary>
/// The VBench-style clip metrics of docs/method.md §7 as tensor functions, in [0, 1] (higher is better), on uint8
/// frames (F, H, W, 3).
/// </summary>
public static class VideoQualityMetrics
{
    /// <summary>Temporal flickering: <c>(255 − mean_t MAE(frame_t, frame_{t+1})) / 255</c>.</summary>
    public static double TemporalFlickering(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var f = frames.to(ScalarType.Float32);
        var mae = f.narrow(0, 1, f.shape[0] - 1).sub(f.narrow(0, 0, f.shape[0] - 1)).abs().mean().item<float>();
        return (255.0 - mae) / 255.0;
    }

    /// <summary>
    /// Motion smoothness with the network-free interpolator: drop odd frames, predict each as the mean of its two
    /// neighbours, <c>(255 − MAE) / 255</c> over the predicted frames.
    /// </summary>
    public static double MotionSmoothness(Tensor frames)
    {
        using var scope = NewDisposeScope();
        var f = frames.to(ScalarType.Float32);
        var n = f.shape[0];
        if (n < 3) return 1.0;
        var pairs = (n - 1) / 2;                                                   // odd frames 1, 3, … with both neighbours
        var even = f.slice(0, 0, 2 * pairs + 1, 2);                                // frames 0, 2, …, 2·pairs
        using var half = 0.5.ToScalar();
        var predicted = even.narrow(0, 0, pairs).add(even.narrow(0, 1, pairs), TorchScalars.One).mul(half);
        var actual = f.slice(0, 1, 2 * pairs, 2);                                  // frames 1, 3, …
        var mae = predicted.sub(actual).abs().mean().item<float>();
        return (255.0 - mae) / 255.0;
    }

    /// <summary>
    /// Subject consistency on semantic-encoder features: the pipeline's sampled frames are cut into tubelet pairs, each
    /// pair is encoded as its own clip (so every pair sees the same positional table) and mean-pooled to f_s; then per
    /// pair s ≥ 2, <c>½[max(0, cos(f_1, f_s)) + max(0, cos(f_{s−1}, f_s))]</c>, averaged. VBench uses per-frame DINO
    /// features; our video encoder's unit is the tubelet of 2 frames, so pairs stand in for frames.
    /// </summary>
    public static double SubjectConsistency(VideoMAEModel encoder, PipelineManifest manifest, Tensor frames)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var half = 0.5.ToScalar();
        var video = PipelineTensors.FromFrames(frames);                                                  // (1, 3, F, H, W)
        var sampled = PipelineTensors.SemanticEncoderInput(video, manifest.SemanticSampling.FrameIndices((int)frames.shape[0])); // (1, n, 3, H, W)
        var tubelet = manifest.SemanticEncoder.TubeletSize;
        var pairs = sampled.shape[1] / tubelet;
        if (pairs < 2) return 1.0;
        var clips = sampled.narrow(1, 0, pairs * tubelet).reshape(pairs, tubelet, sampled.shape[2], sampled.shape[3], sampled.shape[4]);
        var slots = encoder.forward(clips).mean([1]);                                                       // (P, E)
        var first = slots.narrow(0, 0, 1).expand(pairs - 1, -1);
        var previous = slots.narrow(0, 0, pairs - 1);
        var current = slots.narrow(0, 1, pairs - 1);
        var toFirst = nn.functional.cosine_similarity(first, current, 1).clamp_min(0);
        var toPrevious = nn.functional.cosine_similarity(previous, current, 1).clamp_min(0);
        return toFirst.add(toPrevious, TorchScalars.One).mul(half).mean().item<float>();
    }
}
