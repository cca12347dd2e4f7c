using SemanticGen.Encoders.VideoMAE2;
using SemanticGen.Models.Generators;
using SemanticGen.Models.TextEncoder;
using SemanticGen.Models.VideoVae;
using SemanticGen.Pipeline.Text;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Components;

/// <summary>
/// The modules of one pipeline folder, built from its <see cref="PipelineManifest"/> and loaded strictly from their
/// safetensors files, in eval mode on the CPU: text encoder + tokenizer, VAE, semantic encoder, compressor, stage 1
/// and stage 2. Shared by the generation stages (one load per process); disposing frees every module.
/// </summary>
public sealed class PipelineComponents : IDisposable
{
    private PipelineComponents(string folder, PipelineManifest manifest, PromptTokenizer tokenizer, Umt5EncoderModel textEncoder,
        WanVae vae, VideoMAEModel semanticEncoder, SemanticCompressor compressor, SemanticGenerator semanticGenerator, LatentGenerator latentGenerator,
        SemanticGenerator? storySemanticGenerator, LatentGenerator? storyLatentGenerator)
    {
        Folder = folder;
        Manifest = manifest;
        Tokenizer = tokenizer;
        TextEncoder = textEncoder;
        Vae = vae;
        SemanticEncoder = semanticEncoder;
        Compressor = compressor;
        SemanticGenerator = semanticGenerator;
        LatentGenerator = latentGenerator;
        StorySemanticGenerator = storySemanticGenerator;
        StoryLatentGenerator = storyLatentGenerator;
        TrainedTokenIds = manifest.TrainedTokenIds.ToHashSet();
    }

    public string Folder { get; }
    public PipelineManifest Manifest { get; }
    public PromptTokenizer Tokenizer { get; }
    public Umt5EncoderModel TextEncoder { get; }
    public WanVae Vae { get; }
    public VideoMAEModel SemanticEncoder { get; }
    public SemanticCompressor Compressor { get; }
    public SemanticGenerator SemanticGenerator { get; }
    public LatentGenerator LatentGenerator { get; }

    /// <summary>Stage 1 fine-tuned on stories (<see cref="PipelineManifest.Stories"/>), or null.</summary>
    public SemanticGenerator? StorySemanticGenerator { get; }

    /// <summary>Stage 2 fine-tuned on stories, or null.</summary>
    public LatentGenerator? StoryLatentGenerator { get; }

    /// <summary>The stage-1 generator long videos use: the story-trained one when the folder has it.</summary>
    public SemanticGenerator LongVideoSemanticGenerator => StorySemanticGenerator ?? SemanticGenerator;

    /// <summary>The stage-2 generator long videos use: the story-trained one when the folder has it.</summary>
    public LatentGenerator LongVideoLatentGenerator => StoryLatentGenerator ?? LatentGenerator;

    public IReadOnlySet<int> TrainedTokenIds { get; }

    /// <summary>Creates untrained modules of <paramref name="manifest"/>'s sizes (the recipes' starting point).</summary>
    public static PipelineComponents Create(string folder, PipelineManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var tokenizer = PromptTokenizer.FromFile(Path.Combine(folder, manifest.TokenizerFile), manifest.TextLength);
        if (tokenizer.VocabularySize > manifest.TextEncoder.VocabSize)
            throw new InvalidDataException($"{tokenizer.VocabularyPath}: {tokenizer.VocabularySize} tokens, but textEncoder.vocabSize is {manifest.TextEncoder.VocabSize}.");
        var semanticEncoder = new VideoMAEModel(manifest.SemanticEncoder);
        semanticEncoder.InitializeWeights();
        var latent = new LatentGenerator(manifest.LatentGenerator);
        var stories = manifest.Stories is not null;
        return new PipelineComponents(folder, manifest, tokenizer, new Umt5EncoderModel(manifest.TextEncoder), new WanVae(manifest.Vae),
            semanticEncoder, new SemanticCompressor(manifest.Compressor),
            new SemanticGenerator(manifest.SemanticGenerator, manifest.Compressor.TokenDim), latent,
            stories ? new SemanticGenerator(manifest.SemanticGenerator, manifest.Compressor.TokenDim) : null,
            stories ? new LatentGenerator(manifest.LatentGenerator) : null);
    }

    /// <summary>Reads DIR/pipeline.json and loads every component strictly (a missing or extra tensor is an error naming the file).</summary>
    /// <exception cref="FileNotFoundException">No pipeline.json or a component file is missing.</exception>
    /// <exception cref="InvalidDataException">The manifest is inconsistent.</exception>
    /// <exception cref="WeightLoadException">A component file does not match its configuration.</exception>
    public static PipelineComponents Load(string folder)
    {
        var manifest = PipelineManifest.Read(folder);
        var components = Create(folder, manifest);
        try
        {
            components.LoadWeights();
            components.SetEval();
            return components;
        }
        catch
        {
            components.Dispose();
            throw;
        }
    }

    /// <summary>Every module with the file it is stored in (relative to the folder).</summary>
    public IReadOnlyList<(nn.Module Module, string File)> Files() =>
    [
        (TextEncoder, Manifest.TextEncoderFile), (Vae, Manifest.VaeFile), (SemanticEncoder, Manifest.SemanticEncoderFile),
        (Compressor, Manifest.CompressorFile), (SemanticGenerator, Manifest.SemanticGeneratorFile), (LatentGenerator, Manifest.LatentGeneratorFile),
        .. StorySemanticGenerator is null || StoryLatentGenerator is null || Manifest.Stories is null
            ? Array.Empty<(nn.Module, string)>()
            : [(StorySemanticGenerator, Manifest.Stories.SemanticGeneratorFile), (StoryLatentGenerator, Manifest.Stories.LatentGeneratorFile)],
    ];

    /// <summary>Loads each module from its file under <see cref="Folder"/> (strict).</summary>
    public void LoadWeights()
    {
        foreach (var (module, file) in Files())
            LoadInto(module, Path.Combine(Folder, file));
    }

    /// <summary>Loads one module strictly from <paramref name="path"/>.</summary>
    public static void LoadInto(nn.Module module, string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"pipeline component file not found: {path}", path);
        using var source = TensorSource.Open(path);
        if (module is Umt5EncoderModel textEncoder)
            Umt5Weights.Load(textEncoder, source);                      // the tied embedding is stored under two keys
        else
            ModuleWeightLoader.Load(module, source);
    }

    /// <summary>Saves one module's state to <paramref name="file"/> under <see cref="Folder"/> atomically.</summary>
    public void Save(nn.Module module, string file) => SafetensorsWriter.Write(Path.Combine(Folder, file), module.state_dict());

    /// <summary>Puts every module in eval mode.</summary>
    public void SetEval()
    {
        foreach (var (module, _) in Files())
            module.eval();
    }

    public void Dispose()
    {
        foreach (var (module, _) in Files())
            module.Dispose();
    }
}
