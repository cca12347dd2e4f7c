using System.Text.Json;
using SemanticGen.Pipeline.Components;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1.Stories;

/// <summary>One training sample: <see cref="Shots"/> consecutive shots of story <see cref="Story"/> from shot <see cref="First"/>.</summary>
public readonly record struct StoryWindow(int Story, int First, int Shots);

/// <summary>
/// The story cache in memory: normalised latents (N, S, z, T, h, w; absent from a features-only cache), features
/// (N, S, Ns, E), the text states of every caption. <see cref="Windows"/> draws a batch's samples as a pure function of (seed, position), so a resumed run sees
/// the same batches.
/// </summary>
public sealed class ShapesStoryData : IDisposable
{
    private readonly long[,] _captionIndex;
    private readonly Tensor? _latents;
    private readonly string _path;

    private ShapesStoryData(string path, Tensor? latents, Tensor features, long[,] captionIndex, Tensor captionText, Tensor emptyText)
    {
        (_path, _latents, Features, _captionIndex, CaptionText, EmptyText) = (path, latents, features, captionIndex, captionText, emptyText);
    }

    /// <summary>(N, S, z, T, h, w), normalised with the VAE config's latents_mean/std.</summary>
    /// <exception cref="InvalidOperationException">The cache holds features only.</exception>
    public Tensor Latents => _latents
        ?? throw new InvalidOperationException($"{_path} holds semantic features only (a story stage-1 cache); story stage 2 needs {ShapesStoryCache.FileName}, which has the latents too.");

    /// <summary>False for a features-only cache.</summary>
    public bool HasLatents => _latents is not null;

    /// <summary>(N, S, Ns, E).</summary>
    public Tensor Features { get; }

    /// <summary>(C, L, D) text states of the cached captions.</summary>
    public Tensor CaptionText { get; }

    /// <summary>(1, L, D) the empty prompt's.</summary>
    public Tensor EmptyText { get; }

    public int Stories => (int)Features.shape[0];
    public int ShotsPerStory => (int)Features.shape[1];

    public static ShapesStoryData Load(string cachePath, PipelineComponents components)
    {
        ArgumentNullException.ThrowIfNull(components);
        using var file = SafetensorsFile.Open(cachePath);
        var captions = JsonSerializer.Deserialize<List<string>>(file.Metadata["captions"])
            ?? throw new InvalidDataException($"{cachePath}: metadata 'captions' is empty.");
        Tensor? latents = null;
        if (file.Contains("latents"))
        {
            using var raw = file.ReadTensor("latents", ScalarType.Float32);                   // (N, S, z, T, h, w)
            using var flat = raw.flatten(0, 1);                                               // (N·S, z, T, h, w)
            using var normalised = components.Vae.Normalize(flat);
            latents = normalised.view(raw.shape);
        }
        var features = file.ReadTensor("features", ScalarType.Float32);
        using var index = file.ReadTensor("caption_index", ScalarType.Int64);
        var (stories, shots) = ((int)index.shape[0], (int)index.shape[1]);
        var values = index.data<long>().ToArray();
        var captionIndex = new long[stories, shots];
        for (var i = 0; i < stories; i++)
            for (var s = 0; s < shots; s++)
                captionIndex[i, s] = values[i * shots + s];
        var captionText = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, captions);
        var emptyText = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);
        return new ShapesStoryData(cachePath, latents, features, captionIndex, captionText, emptyText);
    }

    /// <summary>The <paramref name="batch"/> samples of batch <paramref name="position"/>, each <paramref name="shots"/> consecutive shots.</summary>
    public StoryWindow[] Windows(long seed, long position, int batch, int shots)
    {
        if (shots < 1 || shots > ShotsPerStory)
            throw new ArgumentOutOfRangeException(nameof(shots), shots, $"samples hold 1…{ShotsPerStory} shots (the cached stories' length).");
        var random = new Random(unchecked((int)(seed * 0x9E3779B1L + position * 0x85EBCA6BL + 0x27D4EB2FL)));
        return [.. Enumerable.Range(0, batch).Select(_ => new StoryWindow(random.Next(Stories), random.Next(ShotsPerStory - shots + 1), shots))];
    }

    /// <summary>Rows of the (N·S, …) flattening for the samples' shots, sample-major: (B·K).</summary>
    private static Tensor Rows(IReadOnlyList<StoryWindow> windows, int shotsPerStory) =>
        tensor(windows.SelectMany(w => Enumerable.Range(w.First, w.Shots).Select(s => (long)(w.Story * shotsPerStory + s))).ToArray());

    /// <summary>Latents of the samples, the shots back to back in time: (B, z, K·T, h, w).</summary>
    public Tensor LatentsOf(IReadOnlyList<StoryWindow> windows)
    {
        using var scope = NewDisposeScope();
        var shots = SameShots(windows);
        var selected = Latents.flatten(0, 1).index_select(0, Rows(windows, ShotsPerStory));     // (B·K, z, T, h, w)
        var (z, t, h, w) = (selected.shape[1], selected.shape[2], selected.shape[3], selected.shape[4]);
        return selected.view(windows.Count, shots, z, t, h, w).permute(0, 2, 1, 3, 4, 5)
            .reshape(windows.Count, z, shots * t, h, w).MoveToOuterDisposeScope();             // (B, z, K·T, h, w)
    }

    /// <summary>Features of the samples, shot-major: (B, K·Ns, E).</summary>
    public Tensor FeaturesOf(IReadOnlyList<StoryWindow> windows) => TokensOf(Features, windows);

    /// <summary>Per-shot tokens (N, S, n, d) (e.g. <see cref="Features"/>, or stage-1 targets) of the samples' shots, shot-major: (B, K·n, d).</summary>
    public Tensor TokensOf(Tensor perShot, IReadOnlyList<StoryWindow> windows)
    {
        using var scope = NewDisposeScope();
        var shots = SameShots(windows);
        var selected = perShot.flatten(0, 1).index_select(0, Rows(windows, ShotsPerStory));     // (B·K, n, d)
        return selected.reshape(windows.Count, shots * selected.shape[1], selected.shape[2]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The shots' text states concatenated along the text axis (B, K·L, D); with probability <paramref name="dropout"/>
    /// a sample's every prompt becomes "" (the long sampler's unconditional branch).
    /// </summary>
    public Tensor TextOf(IReadOnlyList<StoryWindow> windows, double dropout, Generator rng)
    {
        using var scope = NewDisposeScope();
        var shots = SameShots(windows);
        var rows = tensor(windows.SelectMany(w => Enumerable.Range(w.First, w.Shots).Select(s => _captionIndex[w.Story, s])).ToArray());
        var text = CaptionText.index_select(0, rows);                                          // (B·K, L, D)
        text = text.reshape(windows.Count, shots * text.shape[1], text.shape[2]);              // (B, K·L, D)
        var empty = EmptyText.repeat(1, shots, 1).expand_as(text);                             // (B, K·L, D)
        using var threshold = dropout.ToScalar();
        var drop = rand([windows.Count], generator: rng).lt(threshold).view(-1, 1, 1);          // (B, 1, 1)
        return where(drop, empty, text).MoveToOuterDisposeScope();
    }

    private static int SameShots(IReadOnlyList<StoryWindow> windows)
    {
        if (windows.Count == 0 || windows.Any(w => w.Shots != windows[0].Shots))
            throw new ArgumentException("a batch needs at least one sample and the same number of shots in every sample.", nameof(windows));
        return windows[0].Shots;
    }

    public void Dispose()
    {
        _latents?.Dispose();
        Features.Dispose();
        CaptionText.Dispose();
        EmptyText.Dispose();
    }
}
