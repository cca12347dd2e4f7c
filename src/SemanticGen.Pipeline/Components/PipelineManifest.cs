using System.Text.Json;
using System.Text.Json.Serialization;
using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Models.TextEncoder;
using SemanticGen.Models.VideoVae;

namespace SemanticGen.Pipeline.Components;

/// <summary>Video format the pipeline generates (and its VAE was trained on).</summary>
public sealed record VideoFormat(int Frames = 49, int Height = 64, int Width = 64, double Fps = 24)
{
    public VideoFormat Validated()
    {
        if (Frames < 1 || Frames % 4 != 1) throw new InvalidDataException($"video.frames must be 4n + 1, found {Frames}.");
        if (Height < 8 || Height % 8 != 0 || Width < 8 || Width % 8 != 0)
            throw new InvalidDataException($"video height and width must be positive multiples of 8, found {Height}×{Width}.");
        if (!(Fps > 0)) throw new InvalidDataException($"video.fps must be positive, found {Fps}.");
        return this;
    }

    /// <summary>Latent frames of the 4×8×8 VAE: (F − 1)/4 + 1.</summary>
    [JsonIgnore] public int LatentFrames => (Frames - 1) / 4 + 1;
}

/// <summary>How the semantic encoder sees a clip: <see cref="Frames"/> frames sampled evenly from first to last.</summary>
/// <param name="Frames">Frames fed to the encoder (its <c>num_frames</c>); the paper samples 1.6 fps, Shapes World's 2 s clips get 8 (~4 fps).</param>
public sealed record SemanticSampling(int Frames = 8)
{
    /// <summary>Indices of the sampled frames among <paramref name="videoFrames"/>: round(i·(F − 1)/(n − 1)).</summary>
    public IReadOnlyList<long> FrameIndices(int videoFrames) =>
        Frames == 1 ? [0L] : [.. Enumerable.Range(0, Frames).Select(i => (long)Math.Round(i * (videoFrames - 1) / (double)(Frames - 1)))];
}

/// <summary>Sampling defaults of <c>generate</c>.</summary>
/// <param name="Steps">Euler steps of each generator.</param>
/// <param name="Guidance">Classifier-free guidance weight of both generators.</param>
/// <param name="SemanticShift">Timestep shift s of stage 1's σ grid.</param>
/// <param name="LatentShift">Timestep shift s of stage 2's σ grid.</param>
/// <param name="SemanticNoise">σ of the noise put on z_sem before stage 2 (RAE practice; training draws σ ∈ [0, max]).</param>
public sealed record SamplingDefaults(int Steps = 25, double Guidance = 3.0, double SemanticShift = 3.0, double LatentShift = 3.0, double SemanticNoise = 0.2);

/// <summary>
/// Generator weights fine-tuned on multi-shot stories (the shapes-v1-stories recipe), used by the long-video pipeline
/// in place of the short-video generators; the configs are the short generators' (same modules, other weights).
/// </summary>
/// <param name="ShotsTrained">Most shots per training sample of each generator (semantic, latent), for the record.</param>
/// <param name="LatentCleanContextTrained">
/// Share of the latent generator's training samples whose first shot was clean context; above 0 the folder supports
/// stage-2 rollout with clean context (<c>--clean-latent-context</c>), 0 (folders trained before it) does not.
/// </param>
/// <param name="SemanticCleanContextTrained">The same for the semantic generator and <c>--clean-semantic-context</c>.</param>
/// <param name="SemanticContext">
/// How the long-video pipeline samples stage 1 unless a request says otherwise: null, jointly over all shots (the paper's
/// method); K ≥ 0, shot by shot with K context shots (<c>LongVideoRequest.ResolvedFor</c>).
/// </param>
/// <param name="CleanSemanticContext">With <paramref name="SemanticContext"/>: the context shots enter clean (needs <paramref name="SemanticCleanContextTrained"/> &gt; 0).</param>
/// <param name="LatentContext">The same as <paramref name="SemanticContext"/> for stage 2: null, all shots at once with shifted windows; K ≥ 0, shot by shot.</param>
/// <param name="CleanLatentContext">With <paramref name="LatentContext"/>: the context shots enter clean (needs <paramref name="LatentCleanContextTrained"/> &gt; 0).</param>
/// <param name="SemanticContextGuidance">
/// With <paramref name="SemanticContext"/>: context guidance λ ≥ 0 of stage 1's rollout (<c>ShotRollout.Sample</c>); null or 0, none.
/// </param>
public sealed record StoryGenerators(
    string SemanticGeneratorFile = "story_semantic_generator.safetensors",
    string LatentGeneratorFile = "story_latent_generator.safetensors",
    int SemanticShotsTrained = 0,
    int LatentShotsTrained = 0,
    double LatentCleanContextTrained = 0,
    double SemanticCleanContextTrained = 0,
    int? SemanticContext = null,
    bool CleanSemanticContext = false,
    int? LatentContext = null,
    bool CleanLatentContext = false,
    double? SemanticContextGuidance = null);

/// <summary>
/// <c>pipeline.json</c>: every component's configuration and file, the sampling defaults and the training facts a
/// pipeline folder needs to generate. Written by the training recipes; read by <see cref="PipelineComponents.Load"/>.
/// </summary>
public sealed record PipelineManifest
{
    public const string FileName = "pipeline.json";
    public const string CurrentFormat = "semanticgen-pipeline/1";

    public string Format { get; init; } = CurrentFormat;
    public string Name { get; init; } = "";
    public VideoFormat Video { get; init; } = new();

    /// <summary>BERT-style vocab.txt, relative to the folder.</summary>
    public string TokenizerFile { get; init; } = "tokenizer/vocab.txt";
    public int TextLength { get; init; } = 32;
    public Umt5Config TextEncoder { get; init; } = new();
    public string TextEncoderFile { get; init; } = "text_encoder.safetensors";

    public WanVaeConfig Vae { get; init; } = new();
    public string VaeFile { get; init; } = "vae.safetensors";

    public VideoMAEConfig SemanticEncoder { get; init; } = new();
    public SemanticSampling SemanticSampling { get; init; } = new();
    public string SemanticEncoderFile { get; init; } = "semantic_encoder.safetensors";

    public SemanticCompressorConfig Compressor { get; init; } = new(64);
    public string CompressorFile { get; init; } = "compressor.safetensors";

    /// <summary>Stage 1's transformer sizes (channels and patch are set from the compressor's token width).</summary>
    public WanTransformerConfig SemanticGenerator { get; init; } = new();
    public string SemanticGeneratorFile { get; init; } = "semantic_generator.safetensors";

    public LatentGeneratorConfig LatentGenerator { get; init; } = new();
    public string LatentGeneratorFile { get; init; } = "latent_generator.safetensors";

    public SamplingDefaults Sampling { get; init; } = new();

    /// <summary>Story-trained generators for long videos; null: long videos use the short-video generators.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public StoryGenerators? Stories { get; init; }

    /// <summary>
    /// Per-channel mean of the compressor's μ over the training clips: stage 1 generates <c>(z − mean)/std</c>, so its
    /// data has unit scale whatever the KL weight left it at. Empty means 0.
    /// </summary>
    public IReadOnlyList<double> SemanticMean { get; init; } = [];

    /// <summary>Per-channel standard deviation matching <see cref="SemanticMean"/>. Empty means 1.</summary>
    public IReadOnlyList<double> SemanticStd { get; init; } = [];

    /// <summary>Token ids of every training caption (and the empty prompt): ids outside it trigger the unseen-word warning.</summary>
    public IReadOnlyList<int> TrainedTokenIds { get; init; } = [];

    /// <summary>Free-form provenance written by the recipe (command, commit, times, evaluation).</summary>
    public Dictionary<string, string> Training { get; init; } = [];

    /// <summary>The semantic token grid of one clip: (sampled frames / tubelet, H / patch, W / patch).</summary>
    [JsonIgnore]
    public SemanticGen.Abstractions.Encoders.SemanticGrid SemanticGrid =>
        new(SemanticSampling.Frames / SemanticEncoder.TubeletSize, Video.Height / SemanticEncoder.PatchSize, Video.Width / SemanticEncoder.PatchSize);

    /// <summary>Checks that the components fit together; the message names the fields that disagree.</summary>
    /// <exception cref="InvalidDataException">An inconsistency.</exception>
    public PipelineManifest Validated(string source)
    {
        void Require(bool ok, string problem)
        {
            if (!ok) throw new InvalidDataException($"{source}: {problem}");
        }
        Require(Format == CurrentFormat, $"format '{Format}' is not '{CurrentFormat}'.");
        try
        {
            Video.Validated();
            TextEncoder.Validate();
            Vae.Validate();
            SemanticEncoder.Validated(source);
            Compressor.Validated();
            SemanticGenerator.Validated();
            LatentGenerator.Validated();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException)
        {
            throw new InvalidDataException($"{source}: {e.Message}", e);
        }
        Require(TextLength >= 2, $"textLength must be at least 2, found {TextLength}.");
        Require(LatentGenerator.Transformer.TextDim == TextEncoder.DModel,
            $"latentGenerator.transformer.text_dim {LatentGenerator.Transformer.TextDim} ≠ textEncoder.d_model {TextEncoder.DModel}.");
        Require(SemanticGenerator.TextDim == TextEncoder.DModel,
            $"semanticGenerator.text_dim {SemanticGenerator.TextDim} ≠ textEncoder.d_model {TextEncoder.DModel}.");
        Require(LatentGenerator.Transformer.InChannels == Vae.ZDim && LatentGenerator.Transformer.OutChannels == Vae.ZDim,
            $"latentGenerator.transformer in/out channels {LatentGenerator.Transformer.InChannels}/{LatentGenerator.Transformer.OutChannels} ≠ vae.z_dim {Vae.ZDim}.");
        Require(LatentGenerator.SemanticDim == Compressor.TokenDim,
            $"latentGenerator.semanticDim {LatentGenerator.SemanticDim} ≠ the compressor's token width {Compressor.TokenDim}.");
        Require(Compressor.InputDim == SemanticEncoder.HiddenSize,
            $"compressor.inputDim {Compressor.InputDim} ≠ semanticEncoder.hidden_size {SemanticEncoder.HiddenSize}.");
        Require(SemanticEncoder.NumFrames == SemanticSampling.Frames,
            $"semanticEncoder.num_frames {SemanticEncoder.NumFrames} ≠ semanticSampling.frames {SemanticSampling.Frames}.");
        Require(SemanticEncoder.ImageSize == Video.Height && Video.Height == Video.Width,
            $"semanticEncoder.image_size {SemanticEncoder.ImageSize} must equal the (square) video size {Video.Height}×{Video.Width}.");
        Require(Video.Height / 8 % LatentGenerator.Transformer.PatchSize[1] == 0 && Video.Width / 8 % LatentGenerator.Transformer.PatchSize[2] == 0,
            $"the latent grid {Video.Height / 8}×{Video.Width / 8} is not divisible by the latent generator's patch.");
        Require(Video.Height % SemanticEncoder.PatchSize == 0 && SemanticSampling.Frames % SemanticEncoder.TubeletSize == 0,
            "the semantic encoder's patch or tubelet does not divide the video.");
        Require(SemanticMean.Count is 0 || SemanticMean.Count == Compressor.TokenDim, $"semanticMean has {SemanticMean.Count} values, expected {Compressor.TokenDim}.");
        Require(SemanticStd.Count is 0 || (SemanticStd.Count == Compressor.TokenDim && SemanticStd.All(v => v > 0)),
            $"semanticStd must hold {Compressor.TokenDim} positive values, found {SemanticStd.Count}.");
        Require(Stories is null || (Stories.SemanticGeneratorFile.Length > 0 && Stories.LatentGeneratorFile.Length > 0
                && Stories.SemanticGeneratorFile != SemanticGeneratorFile && Stories.LatentGeneratorFile != LatentGeneratorFile),
            "stories needs its own semanticGeneratorFile and latentGeneratorFile, different from the short generators' files.");
        Require(Stories is null || Stories.SemanticContext is null or >= 0, $"stories.semanticContext must be 0 or more (or absent for joint sampling), found {Stories?.SemanticContext}.");
        Require(Stories is null || !Stories.CleanSemanticContext || (Stories.SemanticContext is not null && Stories.SemanticCleanContextTrained > 0),
            "stories.cleanSemanticContext needs stories.semanticContext and a story semantic generator trained with clean context (stories.semanticCleanContextTrained > 0).");
        Require(Stories?.SemanticContextGuidance is not { } lambda || (lambda >= 0 && !double.IsInfinity(lambda) && Stories.SemanticContext is not null),
            $"stories.semanticContextGuidance must be a finite number, 0 or more, and needs stories.semanticContext; found {Stories?.SemanticContextGuidance} with semanticContext {Stories?.SemanticContext?.ToString() ?? "absent"}.");
        Require(Stories is null || Stories.LatentContext is null or >= 0, $"stories.latentContext must be 0 or more (or absent for shifted windows over all shots), found {Stories?.LatentContext}.");
        Require(Stories is null || !Stories.CleanLatentContext || (Stories.LatentContext is not null && Stories.LatentCleanContextTrained > 0),
            "stories.cleanLatentContext needs stories.latentContext and a story latent generator trained with clean context (stories.latentCleanContextTrained > 0).");
        Require(Sampling.Steps >= 1 && Sampling.Guidance >= 0 && Sampling.SemanticNoise is >= 0 and <= 1,
            $"sampling defaults out of range: {Sampling}.");
        return this;
    }

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>Reads and validates DIR/pipeline.json.</summary>
    public static PipelineManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{folder} is not a pipeline folder: {FileName} is missing (train one with `./semanticgen recipe shapes-v1 --out DIR`).", path);
        PipelineManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PipelineManifest>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid pipeline manifest: {e.Message}", e);
        }
        return (manifest ?? throw new InvalidDataException($"{path}: empty manifest.")).Validated(path);
    }

    /// <summary>Writes DIR/pipeline.json atomically.</summary>
    public void Write(string folder)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, FileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(this, JsonOptions) + "\n");
        File.Move(temporary, path, overwrite: true);
    }
}
