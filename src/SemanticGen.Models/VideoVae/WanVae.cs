// The Wan2.1 video VAE: diffusers AutoencoderKLWan (src/diffusers/models/autoencoders/autoencoder_kl_wan.py) with
// its chunked encode (first frame, then 4 at a time) and frame-by-frame decode over a causal feature cache.
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.VideoVae;

/// <summary>
/// Causal 3D VAE, 4×8×8 compression for the Wan2.1 sizes. <see cref="Encode"/> and <see cref="Decode"/> follow the
/// reference's chunked evaluation exactly; <see cref="EncodeUnchunked"/> and <see cref="DecodeUnchunked"/> run the same
/// causal network over all frames at once (equal up to rounding; differentiable, for training).
/// </summary>
public sealed class WanVae : nn.Module
{
    private readonly WanEncoder3d encoder;
    private readonly WanCausalConv3d quant_conv;
    private readonly WanCausalConv3d post_quant_conv;
    private readonly WanDecoder3d decoder;

    /// <param name="config">Sizes; <see cref="WanVaeConfig"/>'s defaults are the published Wan2.1 VAE.</param>
    /// <param name="device">Where parameters are created; <c>torch.META</c> builds names and shapes without memory.</param>
    public WanVae(WanVaeConfig config, Device? device = null) : base(nameof(WanVae))
    {
        Config = config.Validate();
        encoder = new WanEncoder3d(config, device);
        quant_conv = new WanCausalConv3d(config.ZDim * 2, config.ZDim * 2, 1, device);
        post_quant_conv = new WanCausalConv3d(config.ZDim, config.ZDim, 1, device);
        decoder = new WanDecoder3d(config, device);
        RegisterComponents();
        if (device?.type != DeviceType.META)
        {
            InitializeWeights();
        }
    }

    public WanVaeConfig Config { get; }

    /// <summary>Frames per encoded chunk after the first frame (the reference's 4).</summary>
    public int FramesPerChunk => Config.TemporalCompression;

    /// <summary>
    /// PyTorch's default initialisation, which the reference keeps: every convolution's weight and bias
    /// U(−1/√fan_in, 1/√fan_in) (kaiming_uniform with a = √5); RMS norm gains 1.
    /// </summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        var parameters = named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);
        foreach (var (name, parameter) in parameters)
        {
            if (name.EndsWith(".gamma", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
                continue;
            }
            var weight = name.EndsWith(".bias", StringComparison.Ordinal) ? parameters[name[..^".bias".Length] + ".weight"] : parameter;
            var fanIn = weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
            var bound = 1.0 / Math.Sqrt(fanIn);
            parameter.uniform_(-bound, bound);
        }
    }

    /// <summary>
    /// The initialisation for training from scratch: every convolution weight N(0, 2 / fan_in) (He, for SiLU),
    /// every bias 0, RMS norm gains 1. With <see cref="InitializeWeights"/> (PyTorch's default, about a third of this
    /// variance, plus random biases) the tiny Shapes World VAE starts with a decoder whose output barely depends on
    /// its input (spread across a batch 0.015 against the videos' 0.29) and MSE training settles on the average clip
    /// and stays there; from this initialisation the spread starts at 0.30 and training does not collapse
    /// (models/shapes-v1/README.md has the runs).
    /// </summary>
    public void InitializeForTraining()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".gamma", StringComparison.Ordinal))
            {
                parameter.fill_(1.0);
            }
            else if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                parameter.zero_();
            }
            else
            {
                var fanIn = parameter.shape.Skip(1).Aggregate(1L, (a, b) => a * b);
                parameter.normal_(0, Math.Sqrt(2.0 / fanIn));
            }
        }
    }

    /// <summary>
    /// Encodes video (B, C, F, H, W) in [−1, 1] with F = 4n + 1 and H, W multiples of 8, chunk by chunk as the
    /// reference does (frame 0, then 4 frames at a time), into the posterior over latents (B, z, n + 1, H/8, W/8).
    /// </summary>
    public WanVaePosterior Encode(Tensor video)
    {
        CheckVideo(video);
        using var cache = new FeatureCache();
        var chunks = new List<Tensor>();
        using var scope = NewDisposeScope();
        var frames = video.shape[2];
        for (long start = 0; start < frames; start += start == 0 ? 1 : FramesPerChunk)
        {
            using var chunkScope = NewDisposeScope();
            cache.BeginChunk();
            var length = start == 0 ? 1 : FramesPerChunk;
            var encoded = encoder.Forward(video.narrow(2, start, length), cache);    // (B, 2z, 1, h, w)
            chunks.Add(encoded.MoveToOuterDisposeScope());
        }
        var moments = quant_conv.forward(cat(chunks, 2));                             // (B, 2z, n + 1, h, w)
        return WanVaePosterior.FromMoments(moments).MoveToOuterDisposeScope();
    }

    /// <summary>The same encoder over all frames at once (no cache); equal to <see cref="Encode"/> up to rounding.</summary>
    public WanVaePosterior EncodeUnchunked(Tensor video)
    {
        CheckVideo(video);
        using var scope = NewDisposeScope();
        var moments = quant_conv.forward(encoder.Forward(video, null));               // (B, 2z, n + 1, h, w)
        return WanVaePosterior.FromMoments(moments).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Decodes latents (B, z, T, h, w) frame by frame with the causal cache, as the reference does, into video
    /// (B, 3, 4(T − 1) + 1, 8h, 8w) clamped to [−1, 1].
    /// </summary>
    public Tensor Decode(Tensor latents)
    {
        CheckLatents(latents);
        using var cache = new FeatureCache();
        using var scope = NewDisposeScope();
        var x = post_quant_conv.forward(latents);                                     // (B, z, T, h, w)
        var frames = new List<Tensor>();
        for (long t = 0; t < x.shape[2]; t++)
        {
            using var chunkScope = NewDisposeScope();
            cache.BeginChunk();
            var decoded = decoder.Forward(x.narrow(2, t, 1), cache);                  // (B, 3, 1 or 4, H, W)
            frames.Add(decoded.MoveToOuterDisposeScope());
        }
        return cat(frames, 2).clamp(WanVaeScalars.MinusOne, WanVaeScalars.One).MoveToOuterDisposeScope(); // (B, 3, F, H, W)
    }

    /// <summary>The same decoder over all latent frames at once (no cache); <paramref name="clamp"/> false keeps gradients at the bounds.</summary>
    public Tensor DecodeUnchunked(Tensor latents, bool clamp = true)
    {
        CheckLatents(latents);
        using var scope = NewDisposeScope();
        var video = decoder.Forward(post_quant_conv.forward(latents), null);          // (B, 3, F, H, W)
        return (clamp ? video.clamp(WanVaeScalars.MinusOne, WanVaeScalars.One) : video).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Latent normalisation of the diffusers/Wan pipelines: <c>(z − latents_mean) · (1 / latents_std)</c> per channel
    /// (what the DiT is trained on). <see cref="Denormalize"/> inverts it before <see cref="Decode"/>.
    /// </summary>
    public Tensor Normalize(Tensor latents)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(latents);
        return latents.sub(mean).mul(std.reciprocal()).MoveToOuterDisposeScope();
    }

    /// <summary><c>z · latents_std + latents_mean</c> per channel.</summary>
    public Tensor Denormalize(Tensor normalized)
    {
        using var scope = NewDisposeScope();
        var (mean, std) = LatentStatistics(normalized);
        return normalized.mul(std).add(mean, WanVaeScalars.One).MoveToOuterDisposeScope();
    }

    private (Tensor Mean, Tensor Std) LatentStatistics(Tensor latents)
    {
        if (latents.dim() != 5 || latents.shape[1] != Config.ZDim)
            throw new ArgumentException($"Latents must be (B, {Config.ZDim}, T, h, w); got ({string.Join(", ", latents.shape)}).", nameof(latents));
        var mean = tensor(Config.LatentsMean.ToArray(), dtype: latents.dtype, device: latents.device).view(1, -1, 1, 1, 1);
        var std = tensor(Config.LatentsStd.ToArray(), dtype: latents.dtype, device: latents.device).view(1, -1, 1, 1, 1);
        return (mean, std);
    }

    private void CheckVideo(Tensor video)
    {
        var s = Config.SpatialCompression;
        if (video.dim() != 5 || video.shape[1] != Config.InChannels)
            throw new ArgumentException($"Video must be (B, {Config.InChannels}, F, H, W); got ({string.Join(", ", video.shape)}).", nameof(video));
        if ((video.shape[2] - 1) % FramesPerChunk != 0)
            throw new ArgumentException($"Frame count must be {FramesPerChunk}n + 1 (1, {FramesPerChunk + 1}, {2 * FramesPerChunk + 1}, …); got {video.shape[2]}.", nameof(video));
        if (video.shape[3] % s != 0 || video.shape[4] % s != 0)
            throw new ArgumentException($"Height and width must be multiples of {s}; got {video.shape[3]}×{video.shape[4]}.", nameof(video));
    }

    private void CheckLatents(Tensor latents)
    {
        if (latents.dim() != 5 || latents.shape[1] != Config.ZDim || latents.shape[2] < 1)
            throw new ArgumentException($"Latents must be (B, {Config.ZDim}, T ≥ 1, h, w); got ({string.Join(", ", latents.shape)}).", nameof(latents));
    }
}
