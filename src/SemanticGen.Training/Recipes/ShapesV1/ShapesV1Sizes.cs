using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Models.TextEncoder;
using SemanticGen.Pipeline.Components;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>
/// The component sizes of the default Shapes World pipeline (shapes-v1): the published architectures (Wan2.1 VAE,
/// transformer and umT5; VideoMAE) at sizes two CPU cores train in minutes. 64×64×49-frame clips give VAE latents of
/// 16 × 13 × 8 × 8 (208 transformer tokens after the 1×2×2 patch) and, from 8 sampled frames, a 4 × 4 × 4 semantic
/// grid (64 tokens, ~1/3 of the VAE tokens; the paper's is ~1/16 at 480p).
/// </summary>
public static class ShapesV1Sizes
{
    /// <summary>The transformer of both generators: 4 heads × 32 = 128 wide, 4 layers, FFN 256, text width 64.</summary>
    public static WanTransformerConfig Transformer { get; } = new()
    {
        NumAttentionHeads = 4, AttentionHeadDim = 32, InChannels = 16, OutChannels = 16, TextDim = 64, FreqDim = 64, FfnDim = 256, NumLayers = 4,
    };

    /// <summary>umT5 with 64-wide states, 2 layers, 4 heads of 16, FFN 128; the vocabulary rounded up to a multiple of 64.</summary>
    public static Umt5Config TextEncoder(int vocabularySize) => new()
    {
        VocabSize = (vocabularySize + 63) / 64 * 64, DModel = 64, DKv = 16, NumHeads = 4, DFf = 128, NumLayers = 2,
        RelativeAttentionNumBuckets = 32, RelativeAttentionMaxDistance = 128,
    };

    /// <summary>VideoMAE at 64 px, 8 frames, patch 16, tubelet 2: 64 tokens of width 64, 4 layers; MAE decoder 64 wide, 2 layers.</summary>
    public static VideoMAEConfig SemanticEncoder { get; } = new()
    {
        HiddenSize = 64, NumHiddenLayers = 4, NumAttentionHeads = 4, IntermediateSize = 256, PatchSize = 16, TubeletSize = 2,
        ImageSize = 64, NumFrames = 8, UseMeanPooling = false, LayerNormEps = 1e-6,
        DecoderHiddenSize = 64, DecoderNumHiddenLayers = 2, DecoderNumAttentionHeads = 4, DecoderIntermediateSize = 128,
    };

    /// <summary>The manifest of an untrained shapes-v1 pipeline for a vocabulary of <paramref name="vocabularySize"/> tokens.</summary>
    public static PipelineManifest Manifest(int vocabularySize) => new()
    {
        Name = "shapes-v1",
        Video = new VideoFormat(),
        TextEncoder = TextEncoder(vocabularySize),
        Vae = ShapesVaeTraining.TinyConfig,
        SemanticEncoder = SemanticEncoder,
        SemanticSampling = new SemanticSampling(SemanticEncoder.NumFrames),
        Compressor = new SemanticCompressorConfig(SemanticEncoder.HiddenSize, OutputDim: 8, HiddenDim: 64),
        SemanticGenerator = Transformer with { InChannels = 8, OutChannels = 8, PatchSize = [1, 1, 1] },
        LatentGenerator = new LatentGeneratorConfig { Transformer = Transformer, SemanticDim = 8 },
    };
}
