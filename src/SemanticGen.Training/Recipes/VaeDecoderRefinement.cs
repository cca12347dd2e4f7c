using SemanticGen.Data.ShapesWorld;
using System.Globalization;
using SemanticGen.Models.VideoVae;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes;

/// <summary>The per-pixel reconstruction error the decoder stage minimises (named, not numbered, in recipe identities).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<DecoderReconstructionLoss>))]
public enum DecoderReconstructionLoss
{
    /// <summary>Squared error: its minimiser is the mean of what a latent could have been, so uncertain edges blur.</summary>
    Mse,

    /// <summary>Absolute error: its minimiser is the median, so an uncertain edge stays sharp (it moves instead of blurring).</summary>
    L1,
}

/// <summary>What <see cref="VaeDecoderRefinement.Run"/> trains.</summary>
public sealed record VaeDecoderRefinementOptions
{
    public long Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 1;

    /// <summary>
    /// Frames per clip (4n + 1): whole 49-frame clips. The VAE itself trains on 9-frame clips (cost), and its causal
    /// decoder then degrades past them (shapes-v1 before this stage: 27 dB on frames 0–8, 16 dB from frame 12 on).
    /// </summary>
    public int Frames { get; init; } = 49;

    /// <summary>Peak AdamW rate; it follows a cosine from this to 0 over <see cref="Steps"/>.</summary>
    public double LearningRate { get; init; } = 2e-4;
    public long Seed { get; init; }
    public double EmaDecay { get; init; } = 0.995;
    public long CheckpointEvery { get; init; } = 250;

    /// <summary>
    /// Pixels within this many of the frame's edge weigh <see cref="BorderWeight"/> times the others in the loss: zero
    /// padding darkens the decoder's outermost pixels, and the edge is where a viewer (and the Shapes World scorer, which
    /// reads the background from the 1-pixel ring) sees the background. 1 = no border weighting, the default and what the
    /// committed shapes-v1 decoder used (its backgrounds already score 100 %; a trial of weight 10 was dropped unfinished).
    /// </summary>
    public int BorderWidth { get; init; } = 2;
    public double BorderWeight { get; init; } = 1;

    /// <summary>
    /// Pixels whose target colour differs from the frame's top-left pixel by more than
    /// <see cref="VaeDecoderRefinement.ForegroundThreshold"/> in some channel weigh this many times the others: the object
    /// of a Shapes World clip covers about 6 % of the frame, so plain MSE spends most of its gradient on the background
    /// while the scorer reads colour and shape from the object. The corner is background in Shapes World (objects stay
    /// 2 px inside the canvas); on other footage it may not be, so this is off (1) by default.
    /// </summary>
    public double ForegroundWeight { get; init; } = 1;

    /// <summary>
    /// Fraction of training clips whose object is painted a random off-palette colour (<see cref="OffPaletteColours"/>;
    /// never one that would read as a held-out composition): the decoder then learns colour independently of shape
    /// instead of the palette's pairings. 0 = palette colours only, the default.
    /// </summary>
    public double RecolourFraction { get; init; }

    /// <summary>
    /// The reconstruction error, weighted by <see cref="VaeDecoderRefinement.PixelWeights"/> either way. MSE is the
    /// default. L1 should keep thin parts (a triangle's tip, a square's corners) that MSE averages away; on shapes-v1's
    /// VAE it did not (600 steps: reconstruction fill ratios unchanged, see models/shapes-v1/README.md).
    /// </summary>
    public DecoderReconstructionLoss Loss { get; init; } = DecoderReconstructionLoss.Mse;

    public VaeDecoderRefinementOptions Validate()
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"the decoder loss must be mse or l1, found {Loss}");
        if (BorderWidth < 0) throw new ArgumentException($"the border width must be non-negative, found {BorderWidth}");
        if (!(BorderWeight >= 1) || double.IsInfinity(BorderWeight)) throw new ArgumentException($"the border weight must be at least 1, found {BorderWeight}");
        if (!(ForegroundWeight >= 1) || double.IsInfinity(ForegroundWeight)) throw new ArgumentException($"the foreground weight must be at least 1, found {ForegroundWeight}");
        if (!(RecolourFraction >= 0 && RecolourFraction <= 1)) throw new ArgumentException($"the recolour fraction must be within [0, 1], found {RecolourFraction}");
        if (Steps < 1) throw new ArgumentException($"--decoder-steps must be at least 1, found {Steps}");
        if (BatchSize is < 1 or > 64) throw new ArgumentException($"the decoder batch must be within 1–64, found {BatchSize}");
        if (Frames < 1 || Frames % 4 != 1) throw new ArgumentException($"decoder frames must be 4n + 1, found {Frames}");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentException($"the decoder learning rate must be positive, found {LearningRate}");
        return this;
    }
}

/// <summary>
/// Fine-tunes a trained VAE's decoder (<c>post_quant_conv</c> + <c>decoder</c>) with its encoder frozen, as Stable
/// Diffusion's ft-MSE VAE did: the latents do not change, so latents cached for the generators and the generators
/// trained on them stay valid, while reconstructions get sharper. Loss: MSE or L1 (<see cref="VaeDecoderRefinementOptions.Loss"/>)
/// of the reconstruction of the frozen posterior mean, optionally weighted up on the frame's edge and on the object (<see cref="PixelWeights"/>); learning rate on a cosine from <see cref="VaeDecoderRefinementOptions.LearningRate"/> to 0, a pure
/// function of the step, so a resumed run continues exactly. The EMA weights end up in <paramref name="vae"/>.
/// </summary>
public static class VaeDecoderRefinement
{
    /// <summary>The rate at 0-based step <paramref name="position"/> of <paramref name="steps"/>: peak·½(1 + cos(π·position/steps)).</summary>
    public static double CosineRate(double peak, long position, long steps) => peak * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp(position, 0, steps) / steps));

    /// <summary>How far (any channel, on the [−1, 1] scale) a pixel must be from the frame's top-left pixel to count as foreground.</summary>
    public const double ForegroundThreshold = 0.1;

    /// <summary>
    /// Per-pixel loss weights (B, 1, F, H, W) for target video (B, C, F, H, W): <paramref name="borderWeight"/> within
    /// <paramref name="borderWidth"/> of the frame's edge, <paramref name="foregroundWeight"/> on foreground pixels
    /// (<see cref="ForegroundThreshold"/>), the larger where both apply, 1 elsewhere.
    /// </summary>
    public static Tensor PixelWeights(Tensor target, int borderWidth, double borderWeight, double foregroundWeight)
    {
        using var scope = NewDisposeScope();
        var (h, w) = (target.shape[3], target.shape[4]);
        var rows = arange(h, device: target.device);
        var columns = arange(w, device: target.device);
        var rowEdge = rows.lt(borderWidth).logical_or(rows.ge(h - borderWidth)).view(h, 1);    // (H, 1)
        var columnEdge = columns.lt(borderWidth).logical_or(columns.ge(w - borderWidth)).view(1, w); // (1, W)
        using var border = borderWeight.ToScalar();
        using var foreground = foregroundWeight.ToScalar();
        using var one = 1.0.ToScalar();
        using var threshold = ForegroundThreshold.ToScalar();
        var weights = ones([target.shape[0], 1, target.shape[2], h, w], target.dtype, target.device);   // (B, 1, F, H, W)
        weights = weights.masked_fill(rowEdge.logical_or(columnEdge), border);
        var corner = target[.., .., .., 0..1, 0..1];                                             // (B, C, F, 1, 1)
        var isForeground = target.sub(corner).abs().amax([1], keepdim: true).gt(threshold);      // (B, 1, F, H, W)
        var foregroundWeights = where(isForeground, full([], foreground, dtype: target.dtype, device: target.device), full([], one, dtype: target.dtype, device: target.device));
        return weights.maximum(foregroundWeights).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Σ w·mean_c (a − b)² / Σ w for reconstruction and target (B, C, F, H, W) and weights (B, 1, F, H, W)
    /// (<see cref="PixelWeights"/>); plain MSE when every weight is 1.
    /// </summary>
    public static Tensor WeightedMse(Tensor reconstruction, Tensor target, Tensor weights) => WeightedMean(reconstruction, target, weights, squared: true);

    /// <summary>
    /// Σ w·mean_c |a − b| / Σ w for reconstruction and target (B, C, F, H, W) and weights (B, 1, F, H, W)
    /// (<see cref="PixelWeights"/>); plain L1 when every weight is 1.
    /// </summary>
    public static Tensor WeightedL1(Tensor reconstruction, Tensor target, Tensor weights) => WeightedMean(reconstruction, target, weights, squared: false);

    private static Tensor WeightedMean(Tensor reconstruction, Tensor target, Tensor weights, bool squared)
    {
        using var scope = NewDisposeScope();
        var difference = reconstruction.sub(target);
        var perPixel = (squared ? difference.square() : difference.abs()).mean([1], keepdim: true); // (B, 1, F, H, W)
        return perPixel.mul(weights).sum().div(weights.sum()).MoveToOuterDisposeScope();
    }

    /// <summary>The weighted error <paramref name="loss"/> names (<see cref="WeightedMse"/> or <see cref="WeightedL1"/>).</summary>
    public static Tensor WeightedError(DecoderReconstructionLoss loss, Tensor reconstruction, Tensor target, Tensor weights) => loss switch
    {
        DecoderReconstructionLoss.Mse => WeightedMse(reconstruction, target, weights),
        DecoderReconstructionLoss.L1 => WeightedL1(reconstruction, target, weights),
        _ => throw new ArgumentOutOfRangeException(nameof(loss), loss, "the decoder loss must be mse or l1"),
    };

    /// <summary>
    /// The checkpoint identity of a refinement run. It holds the step count because the cosine learning rate is a function
    /// of it: a run resumed under another <c>Steps</c> would jump to another point of another schedule, so its checkpoints
    /// are refused instead (v3; v2 checkpoints, which did not record it, no longer resume). A foreground weight of 1 and a
    /// recolour fraction of 0 add nothing, nor does the MSE loss.
    /// </summary>
    public static string ConfigHash(VaeDecoderRefinementOptions options)
    {
        static string R(double value) => value.ToString("R", CultureInfo.InvariantCulture);
        var parts = new List<object> { "vae-decoder-refinement-v3", "steps" + options.Steps, options.BatchSize, options.Frames, options.BorderWidth, R(options.BorderWeight) };
        if (options.ForegroundWeight != 1) parts.Add("fg" + R(options.ForegroundWeight));
        if (options.RecolourFraction != 0) parts.Add("recolour" + R(options.RecolourFraction));
        if (options.Loss != DecoderReconstructionLoss.Mse) parts.Add(options.Loss.ToString().ToLowerInvariant());
        parts.AddRange([R(options.LearningRate), options.Seed, R(options.EmaDecay)]);
        return string.Join("|", parts);
    }

    /// <summary>True for the parameters this refinement trains.</summary>
    public static bool IsDecoderParameter(string name) =>
        name.StartsWith("decoder.", StringComparison.Ordinal) || name.StartsWith("post_quant_conv.", StringComparison.Ordinal);

    public static TrainingResult Run(VaeDecoderRefinementOptions options, WanVae vae, string workFolder, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(vae);
        options.Validate();
        var frozen = vae.named_parameters().Where(p => !IsDecoderParameter(p.name)).Select(p => p.parameter).ToList();
        foreach (var parameter in frozen) parameter.requires_grad = false;
        var batches = new ShapesVideoBatches(options.Seed, options.BatchSize, options.Frames, recolourFraction: options.RecolourFraction);
        var training = TrainingOptions.InFolder(workFolder, options.Steps, options.CheckpointEvery, options.EmaDecay, options.Seed, ConfigHash(options), keepLast: 2);
        AdamW? optimizer = null;
        try
        {
            vae.train();
            TrainingResult result;
            using (var loop = new TrainingLoop(training, vae, m => optimizer = optim.AdamW(m.parameters().Where(p => p.requires_grad), lr: options.LearningRate, weight_decay: 0),
                       (position, _) =>
                       {
                           foreach (var group in optimizer!.ParamGroups)
                               group.LearningRate = CosineRate(options.LearningRate, position, options.Steps);
                           using var scope = NewDisposeScope();
                           var video = batches.Batch(position);                                  // (B, 3, F, 64, 64)
                           Tensor mean;
                           using (no_grad())
                               mean = vae.EncodeUnchunked(video).Mean;                          // (B, z, T, h, w), frozen
                           var reconstruction = vae.DecodeUnchunked(mean, clamp: false);
                           var weights = PixelWeights(video, options.BorderWidth, options.BorderWeight, options.ForegroundWeight); // (B, 1, F, H, W)
                           return WeightedError(options.Loss, reconstruction, video, weights).MoveToOuterDisposeScope();
                       }, progress))
            {
                result = loop.Run(cancellationToken);
                loop.Ema.CopyTo(vae);
            }
            return result;
        }
        finally
        {
            foreach (var parameter in frozen) parameter.requires_grad = true;
            vae.eval();
        }
    }
}
