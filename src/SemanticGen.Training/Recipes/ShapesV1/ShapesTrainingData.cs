using System.Text.Json;
using SemanticGen.Pipeline.Components;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>
/// The precomputed training set of the generators, in memory: normalised latents (VAE's latents_mean/std), features,
/// and the text states of every distinct caption and of the empty prompt. <see cref="Indices"/> gives the clips of a
/// batch as a pure function of (seed, position): epoch e = position·B / N uses its own seeded shuffle.
/// </summary>
public sealed class ShapesTrainingData : IDisposable
{
    private ShapesTrainingData(Tensor latents, Tensor features, long[] captionIndex, IReadOnlyList<string> captions, Tensor captionText, Tensor emptyText)
    {
        Latents = latents;
        Features = features;
        CaptionIndex = captionIndex;
        Captions = captions;
        CaptionText = captionText;
        EmptyText = emptyText;
    }

    /// <summary>(N, z, T, h, w) latents, normalised with the VAE config's statistics.</summary>
    public Tensor Latents { get; }

    /// <summary>(N, Ns, E) semantic features.</summary>
    public Tensor Features { get; }
    public long[] CaptionIndex { get; }
    public IReadOnlyList<string> Captions { get; }

    /// <summary>(C, L, D) text states of <see cref="Captions"/>.</summary>
    public Tensor CaptionText { get; }

    /// <summary>(1, L, D) text states of the empty prompt (the dropped-text condition).</summary>
    public Tensor EmptyText { get; }

    public int Count => (int)Latents.shape[0];

    /// <summary>Loads the cache and encodes the captions with <paramref name="components"/>' text encoder.</summary>
    public static ShapesTrainingData Load(string cachePath, PipelineComponents components)
    {
        using var file = SafetensorsFile.Open(cachePath);
        var captions = JsonSerializer.Deserialize<List<string>>(file.Metadata["captions"])
            ?? throw new InvalidDataException($"{cachePath}: metadata 'captions' is empty.");
        using var raw = file.ReadTensor("latents", ScalarType.Float32);
        var latents = components.Vae.Normalize(raw);
        var features = file.ReadTensor("features", ScalarType.Float32);
        using var index = file.ReadTensor("caption_index", ScalarType.Int64);
        var captionText = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, captions);
        var emptyText = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);
        return new ShapesTrainingData(latents, features, index.data<long>().ToArray(), captions, captionText, emptyText);
    }

    /// <summary>Clip indices of batch <paramref name="position"/>.</summary>
    public long[] Indices(long seed, long position, int batch)
    {
        var result = new long[batch];
        for (var i = 0; i < batch; i++)
        {
            var k = position * batch + i;
            var epoch = k / Count;
            result[i] = Permutation(seed, epoch)[k % Count];
        }
        return result;
    }

    private readonly Dictionary<long, int[]> _permutations = [];

    private int[] Permutation(long seed, long epoch)
    {
        if (!_permutations.TryGetValue(epoch, out var permutation))
        {
            if (_permutations.Count > 4) _permutations.Clear();
            permutation = Enumerable.Range(0, Count).ToArray();
            new Random(unchecked((int)(seed * 0x9E3779B1L + epoch * 0x85EBCA6BL))).Shuffle(permutation);
            _permutations[epoch] = permutation;
        }
        return permutation;
    }

    /// <summary>
    /// Text states (B, L, D) of the clips <paramref name="indices"/>, each replaced by the empty prompt's with
    /// probability <paramref name="dropout"/> (one uniform draw per sample from <paramref name="rng"/>).
    /// </summary>
    public Tensor Text(long[] indices, double dropout, Generator rng)
    {
        using var scope = NewDisposeScope();
        var captionRows = tensor(indices.Select(i => CaptionIndex[i]).ToArray());
        var text = CaptionText.index_select(0, captionRows);                           // (B, L, D)
        using var threshold = dropout.ToScalar();
        var drop = rand([indices.Length], generator: rng).lt(threshold).view(-1, 1, 1);   // (B, 1, 1)
        return where(drop, EmptyText.expand_as(text), text).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Latents.Dispose();
        Features.Dispose();
        CaptionText.Dispose();
        EmptyText.Dispose();
    }
}
