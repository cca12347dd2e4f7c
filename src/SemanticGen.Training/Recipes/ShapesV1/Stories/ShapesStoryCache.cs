using System.Text.Json;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Pipeline.Components;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1.Stories;

/// <summary>
/// Latents and semantic features of every shot of N training stories, computed once with the pipeline's frozen VAE
/// (posterior mean of the unchunked encoder, un-normalised) and semantic encoder, in one safetensors file:
/// <c>latents</c> (N, S, z, T, h, w), <c>features</c> (N, S, Ns, E), <c>caption_index</c> (N, S) into the metadata's
/// <c>captions</c>. Story i is <see cref="ShapesStoryGenerator.Generate"/> of seed <see cref="StorySeed"/> over the
/// train split, laid out by <see cref="ShapesStoryPlan"/> (each shot starts where the previous one ended).
/// A features-only cache (<c>withLatents: false</c>, <see cref="SemanticFileName"/>) skips the VAE, most of the cost: story
/// stage 1 needs only the features, so it can train on many more stories than stage 2. Story i is the same story in both.
/// </summary>
public static class ShapesStoryCache
{
    public const string FileName = "story-cache.safetensors";

    /// <summary>The features-only cache of story stage 1 when it trains on more stories than stage 2.</summary>
    public const string SemanticFileName = "story-semantic-cache.safetensors";

    /// <summary>
    /// Seeds of training stories start here, far from the small seeds eval-long and generate-long use by default
    /// (story i of an evaluation is seed + i), so no evaluated story is a training story.
    /// </summary>
    public const long TrainingSeedOffset = 1_000_000_007;

    /// <summary>The seed of training story <paramref name="index"/> of a recipe seeded <paramref name="seed"/>.</summary>
    public static long StorySeed(long seed, int index) => unchecked(TrainingSeedOffset + seed * 1_000_003 + index);

    public static string Identity(long seed, int stories, int shots, string vaePath, string encoderPath, bool withLatents = true) =>
        withLatents
            ? $"stories seed={seed};stories={stories};shots={shots};vae={FileHash.Of(vaePath)};encoder={FileHash.Of(encoderPath)}"
            : $"stories seed={seed};stories={stories};shots={shots};features only;encoder={FileHash.Of(encoderPath)}";

    /// <summary>Builds the cache at <paramref name="path"/> unless one with the same identity is there; returns the path.</summary>
    public static string Ensure(string path, PipelineComponents components, long seed, int stories, int shots, Action<string>? log,
        IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken = default, bool withLatents = true)
    {
        ArgumentNullException.ThrowIfNull(components);
        var manifest = components.Manifest;
        var identity = Identity(seed, stories, shots, Path.Combine(components.Folder, manifest.VaeFile), Path.Combine(components.Folder, manifest.SemanticEncoderFile), withLatents);
        if (File.Exists(path))
        {
            using var existing = SafetensorsFile.Open(path);
            if (existing.Metadata.TryGetValue("identity", out var found) && found == identity)
            {
                log?.Invoke($"reusing {path}");
                return path;
            }
        }
        var render = ShapesRenderOptions.Default;                                              // what the short cache renders too
        if (render.Frames != manifest.Video.Frames || render.Height != manifest.Video.Height || render.Width != manifest.Video.Width)
            throw new InvalidDataException($"{components.Folder}: the pipeline's video {manifest.Video.Frames}×{manifest.Video.Height}×{manifest.Video.Width} is not Shapes World's {render.Frames}×{render.Height}×{render.Width}.");
        var captions = new List<string>();
        var captionIndex = new long[stories * shots];
        var latents = new List<Tensor>(stories);
        var features = new List<Tensor>(stories);
        using var noGrad = no_grad();
        using var scale = (2.0 / 255.0).ToScalar();
        using var one = 1.0.ToScalar();
        try
        {
            for (var i = 0; i < stories; i++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                var storySeed = StorySeed(seed, i);
                var plan = ShapesStoryPlan.Create(ShapesStoryGenerator.Generate(storySeed, shots, ShapesSplitKind.Train), storySeed, render);
                for (var s = 0; s < shots; s++)
                {
                    var caption = plan.Shots[s].Composition.Caption;
                    var at = captions.IndexOf(caption);
                    if (at < 0)
                    {
                        at = captions.Count;
                        captions.Add(caption);
                    }
                    captionIndex[i * shots + s] = at;
                }
                var video = stack(plan.RenderShots().Select(frames => frames.permute(3, 0, 1, 2)).ToList())
                    .to(ScalarType.Float32).mul(scale).sub(one);                                      // (S, 3, F, H, W) in [−1, 1]
                if (withLatents)
                {
                    using var posterior = components.Vae.EncodeUnchunked(video);
                    latents.Add(posterior.Mean.unsqueeze(0).clone().MoveToOuterDisposeScope());       // (1, S, z, T, h, w)
                }
                features.Add(PipelineTensors.SemanticFeatures(components.SemanticEncoder, video, manifest.SemanticSampling)
                    .unsqueeze(0).MoveToOuterDisposeScope());                                         // (1, S, Ns, E)
                progress?.Report((i + 1, stories));
            }
            using var allFeatures = cat(features, 0);
            using var index = tensor(captionIndex).view(stories, shots);
            using var allLatents = withLatents ? cat(latents, 0) : null;
            var tensors = new List<(string, Tensor)> { ("features", allFeatures), ("caption_index", index) };
            if (allLatents is not null) tensors.Insert(0, ("latents", allLatents));
            SafetensorsWriter.Write(path, tensors,
                new Dictionary<string, string> { ["identity"] = identity, ["captions"] = JsonSerializer.Serialize(captions) });
            return path;
        }
        finally
        {
            foreach (var t in latents.Concat(features)) t.Dispose();
        }
    }
}
