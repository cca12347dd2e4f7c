using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SemanticGen.Models.DiT;

/// <summary>A latent grid measured in tokens (after patching): frames × height × width.</summary>
public readonly record struct WanTokenGrid(long Frames, long Height, long Width)
{
    public long Tokens => Frames * Height * Width;
}

/// <summary>
/// The Wan2.1 text-to-video diffusion transformer (diffusers <c>transformer_wan.py</c>, <c>WanTransformer3DModel</c>;
/// Wan2.1, arXiv:2503.20314). Predicts the rectified-flow velocity of VAE latents (B, C, F, H, W) at timestep
/// t ∈ [0, 1000] given text hidden states. Field names equal the diffusers checkpoint keys, so published
/// weights load as they are. The pieces — <see cref="Patchify"/>, <see cref="Condition"/>, <see cref="Blocks"/>,
/// <see cref="Head"/>, <see cref="Unpatchify"/>, <see cref="Rope"/> — are public so that callers can put other
/// tokens (with their own RoPE positions) into the sequence.
/// </summary>
public sealed class WanTransformer3DModel : nn.Module
{
    private readonly Scalar _one = 1.0.ToScalar();
    private readonly long[] _normShape;

    // Field names are the checkpoint keys.
    private readonly Conv3d patch_embedding;
    private readonly WanConditionEmbedder condition_embedder;
    private readonly ModuleList<WanTransformerBlock> blocks;
    private readonly Parameter scale_shift_table;
    private readonly Linear proj_out;

    /// <param name="config">sizes (see <see cref="WanTransformerPresets"/>)</param>
    /// <param name="device">where parameters are created (<c>torch.META</c> to inspect a full size without memory)</param>
    /// <param name="dtype">
    /// compute dtype of the projections (e.g. bfloat16); as in diffusers (<c>_keep_in_fp32_modules</c>) the time
    /// embedder, the adaLN tables and the cross-attention norms stay float32.
    /// </param>
    public WanTransformer3DModel(WanTransformerConfig config, Device? device = null, ScalarType dtype = ScalarType.Float32)
        : base(nameof(WanTransformer3DModel))
    {
        Config = config.Validated();
        var dim = config.InnerDim;
        _normShape = [dim];
        var patch = config.PatchSize.Select(p => (long)p).ToArray();
        patch_embedding = nn.Conv3d(config.InChannels, dim, kernel_size: (patch[0], patch[1], patch[2]), stride: (patch[0], patch[1], patch[2]), bias: true, device: device);
        condition_embedder = new WanConditionEmbedder(config, device);
        blocks = new ModuleList<WanTransformerBlock>(Enumerable.Range(0, config.NumLayers).Select(_ => new WanTransformerBlock(config, device)).ToArray());
        scale_shift_table = new Parameter(empty(1, 2, dim, device: device));
        proj_out = nn.Linear(dim, config.PatchOutDim, hasBias: true, device: device);
        RegisterComponents();
        Rope = new WanRotaryEmbedding(config.AttentionHeadDim);
        if (device?.type != DeviceType.META)
        {
            InitializeWeights();
        }
        if (dtype != ScalarType.Float32)
        {
            CastProjections(dtype);
        }
    }

    public WanTransformerConfig Config { get; }

    /// <summary>The 3-axis RoPE of the self-attention (its grid tables are cached here).</summary>
    public WanRotaryEmbedding Rope { get; }

    /// <summary>
    /// Recompute each block's activations in the backward pass instead of keeping them (training memory ↔ one more
    /// forward). Only takes effect while gradients are recorded.
    /// </summary>
    public bool GradientCheckpointing { get; set; }

    /// <summary>The dtype of the projections (the stream's dtype).</summary>
    public ScalarType DType => proj_out.weight!.dtype;

    /// <param name="hiddenStates">latents (B, C_in, F, H, W); F, H, W divisible by the patch</param>
    /// <param name="timestep">(B,) float, in [0, 1000] (fractional allowed)</param>
    /// <param name="encoderHiddenStates">text hidden states (B, L, text_dim)</param>
    /// <returns>velocity (B, C_out, F, H, W) in the model's dtype</returns>
    public Tensor forward(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates)
    {
        using var scope = NewDisposeScope();
        var (tokens, grid) = Patchify(hiddenStates);                                           // (B, N, D)
        var (cos, sin) = Rope.ForGrid(grid.Frames, grid.Height, grid.Width, tokens.device);   // (N, d/2) each
        var (temb, modulation, text) = Condition(timestep, encoderHiddenStates);               // (B, D), (B, 6, D), (B, L, D)
        tokens = Blocks(tokens, text, modulation, cos, sin);                                   // (B, N, D)
        var patches = Head(tokens, temb);                                                      // (B, N, C_out·pt·ph·pw)
        return Unpatchify(patches, grid).MoveToOuterDisposeScope();                            // (B, C_out, F, H, W)
    }

    /// <summary>Latents (B, C, F, H, W) → tokens (B, N, D) in (f, h, w) order, and the token grid.</summary>
    public (Tensor Tokens, WanTokenGrid Grid) Patchify(Tensor latents)
    {
        var p = Config.PatchSize;
        var (frames, height, width) = (latents.shape[2], latents.shape[3], latents.shape[4]);
        if (latents.dim() != 5 || latents.shape[1] != Config.InChannels || frames % p[0] != 0 || height % p[1] != 0 || width % p[2] != 0)
            throw new ArgumentException($"latents ({string.Join(", ", latents.shape)}) must be (B, {Config.InChannels}, F, H, W) with F, H, W divisible by ({string.Join(", ", p)}).", nameof(latents));
        using var scope = NewDisposeScope();
        var embedded = patch_embedding.forward(latents.to(DType));                             // (B, D, F', H', W')
        var grid = new WanTokenGrid(embedded.shape[2], embedded.shape[3], embedded.shape[4]);
        return (embedded.flatten(2).transpose(1, 2).MoveToOuterDisposeScope(), grid);          // (B, N, D)
    }

    /// <summary>
    /// temb (B, D), the blocks' modulations (B, 6, D) and the text tokens (B, L, D); with a per-token timestep (B, N),
    /// temb (B, N, D) and modulations (B, N, 6, D) in that token order (see <see cref="WanConditionEmbedder.forward"/>).
    /// </summary>
    public (Tensor Temb, Tensor Modulation, Tensor Text) Condition(Tensor timestep, Tensor encoderHiddenStates) =>
        condition_embedder.forward(timestep, encoderHiddenStates.to(DType));

    /// <summary>Runs every block (with recomputation when <see cref="GradientCheckpointing"/> is on and grads are recorded).</summary>
    /// <param name="tokens">(B, N, D)</param>
    /// <param name="text">(B, L, D)</param>
    /// <param name="modulation">(B, 6, D), or per token (B, N, 6, D) in the order of <paramref name="tokens"/></param>
    /// <param name="cos">RoPE of each token (N, d/2)</param>
    /// <param name="sin">RoPE of each token (N, d/2)</param>
    /// <param name="windows">
    /// per layer, the self-attention windows (sizes of consecutive token spans summing to N, or null for full
    /// attention); null: full attention in every layer
    /// </param>
    /// <param name="crossSegments">cross-attention block mask (long videos: each shot's tokens see only its own text); null: all text</param>
    public Tensor Blocks(Tensor tokens, Tensor text, Tensor modulation, Tensor cos, Tensor sin, IReadOnlyList<IReadOnlyList<long>?>? windows = null,
        CrossAttentionSegments? crossSegments = null)
    {
        if (windows is not null && windows.Count != blocks.Count)
            throw new ArgumentException($"windows has {windows.Count} layers, the model {blocks.Count}.", nameof(windows));
        using var scope = NewDisposeScope();
        var checkpoint = GradientCheckpointing && is_grad_enabled();
        for (var layer = 0; layer < blocks.Count; layer++)
        {
            var block = blocks[layer];
            var layerWindows = windows?[layer];
            tokens = checkpoint
                ? WanBlockCheckpoint.Run(block, tokens, text, modulation, cos, sin, layerWindows, crossSegments) // (B, N, D)
                : block.forward(tokens, text, modulation, cos, sin, layerWindows, crossSegments); // (B, N, D)
        }
        return tokens.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Output adaLN (shift/scale from <c>scale_shift_table</c> + temb, float32) and <c>proj_out</c>: (B, N, C_out·pt·ph·pw).
    /// temb is (B, D), or per token (B, N, D) in the order of <paramref name="tokens"/>.
    /// </summary>
    public Tensor Head(Tensor tokens, Tensor temb)
    {
        if (temb.dim() == 3 && (temb.shape[1] != tokens.shape[1] || temb.shape[0] != tokens.shape[0]))
            throw new ArgumentException($"per-token temb ({string.Join(", ", temb.shape)}) does not match tokens ({string.Join(", ", tokens.shape)}).", nameof(temb));
        using var scope = NewDisposeScope();
        var table = scale_shift_table.to(ScalarType.Float32);                                 // (1, 2, D)
        var mods = temb.dim() == 3
            ? table.unsqueeze(0).add(temb.to(ScalarType.Float32).unsqueeze(2), _one).chunk(2, dim: 2).Select(m => m.squeeze(2)).ToArray() // 2 × (B, N, D)
            : table.add(temb.to(ScalarType.Float32).unsqueeze(1), _one).chunk(2, dim: 1);    // 2 × (B, 1, D)
        var (shift, scale) = (mods[0], mods[1]);
        var normed = nn.functional.layer_norm(tokens.to(ScalarType.Float32), _normShape, eps: Config.Eps); // (B, N, D)
        var modulated = normed.mul(scale.add(_one, _one)).add(shift, _one).to(tokens.dtype);                  // (B, N, D)
        return proj_out.forward(modulated).MoveToOuterDisposeScope();                         // (B, N, P)
    }

    /// <summary>Patches (B, N, C·pt·ph·pw) on <paramref name="grid"/> → latents (B, C, F'·pt, H'·ph, W'·pw).</summary>
    public Tensor Unpatchify(Tensor patches, WanTokenGrid grid)
    {
        var p = Config.PatchSize;
        using var scope = NewDisposeScope();
        var batch = patches.shape[0];
        var cells = patches.reshape(batch, grid.Frames, grid.Height, grid.Width, p[0], p[1], p[2], Config.OutChannels); // (B, F', H', W', pt, ph, pw, C)
        var video = cells.permute(0, 7, 1, 4, 2, 5, 3, 6)                                     // (B, C, F', pt, H', ph, W', pw)
            .reshape(batch, Config.OutChannels, grid.Frames * p[0], grid.Height * p[1], grid.Width * p[2]);
        return video.MoveToOuterDisposeScope();                                               // (B, C, F, H, W)
    }

    /// <summary>
    /// Initialisation for training from scratch, following Wan2.1's <c>WanModel.init_weights</c> where diffusers
    /// defers to it; loading a checkpoint overwrites all of it.
    /// </summary>
    public void InitializeWeights()
    {
        using var noGrad = no_grad();
        foreach (var (name, parameter) in named_parameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal))
            {
                // every bias (linears, patch embedding, cross-attn norm) starts at zero
                nn.init.zeros_(parameter);
            }
            else if (name.Contains("norm", StringComparison.Ordinal))
            {
                // RMS-norm and cross-attention-norm scales start at one
                nn.init.ones_(parameter);
            }
            else if (name.Contains("scale_shift_table", StringComparison.Ordinal))
            {
                // adaLN tables: N(0, 1/D), as diffusers' randn(…) / D^½
                nn.init.normal_(parameter, 0.0, 1.0 / Math.Sqrt(Config.InnerDim));
            }
            else if (name.StartsWith("condition_embedder.", StringComparison.Ordinal) && !name.Contains("time_proj", StringComparison.Ordinal))
            {
                // text and time embedders: N(0, 0.02)
                nn.init.normal_(parameter, 0.0, 0.02);
            }
            else if (name == "proj_out.weight")
            {
                // zero output head: the untrained model predicts zero velocity
                nn.init.zeros_(parameter);
            }
            else
            {
                // attention, MLP, time projection and patch embedding (as a flat matrix): Xavier-uniform
                nn.init.xavier_uniform_(parameter.view(parameter.shape[0], -1));
            }
        }
    }

    private void CastProjections(ScalarType dtype)
    {
        patch_embedding.to(dtype);
        condition_embedder.CastProjections(dtype);
        foreach (var block in blocks)
        {
            block.CastProjections(dtype);
        }
        proj_out.to(dtype);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _one.Dispose();
            patch_embedding.Dispose();
            condition_embedder.Dispose();
            blocks.Dispose();
            scale_shift_table.Dispose();
            proj_out.Dispose();
            Rope.Dispose();
        }
        base.Dispose(disposing);
    }
}
