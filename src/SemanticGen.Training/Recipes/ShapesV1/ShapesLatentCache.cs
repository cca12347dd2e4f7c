using System.Text.Json;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Pipeline.Components;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Training.Recipes.ShapesV1;

/// <summary>
/// Latents and semantic features of the first N clips of the Shapes World train split, computed once with the frozen
/// VAE (posterior mean of the unchunked encoder, un-normalised) and semantic encoder, and stored as one safetensors file:
/// <c>latents</c> (N, z, T, h, w), <c>features</c> (N, Ns, E), <c>caption_index</c> (N) into the metadata's
/// <c>captions</c> list. The metadata's <c>identity</c> (seed, N, the two models' file hashes) decides reuse.
/// </summary>
public static class ShapesLatentCache
{
    public const string FileName = "cache.safetensors";
    private const int EncodeBatch = 8;

    /// <summary>Identity of a cache for these inputs.</summary>
    public static string Identity(long seed, int clips, string vaePath, string encoderPath) =>
        $"seed={seed};clips={clips};vae={FileHash.Of(vaePath)};encoder={FileHash.Of(encoderPath)}";

    /// <summary>Builds the cache at <paramref name="path"/> unless one with the same identity is there; returns the path.</summary>
    public static string Ensure(string path, PipelineComponents components, long seed, int clips, Action<string>? log, IProgress<(int Done, int Total)>? progress)
    {
        var identity = Identity(seed, clips,
            Path.Combine(components.Folder, components.Manifest.VaeFile), Path.Combine(components.Folder, components.Manifest.SemanticEncoderFile));
        if (File.Exists(path))
        {
            using var existing = SafetensorsFile.Open(path);
            if (existing.Metadata.TryGetValue("identity", out var found) && found == identity)
            {
                log?.Invoke($"reusing {path}");
                return path;
            }
        }
        var source = new ShapesClipSource(seed, ShapesSplitKind.Train);
        var captions = new List<string>();
        var captionIndex = new long[clips];
        var latents = new List<Tensor>();
        var features = new List<Tensor>();
        using var noGrad = no_grad();
        using var scale = (2.0 / 255.0).ToScalar();
        using var one = 1.0.ToScalar();
        try
        {
            for (var start = 0; start < clips; start += EncodeBatch)
            {
                using var scope = NewDisposeScope();
                var count = Math.Min(EncodeBatch, clips - start);
                var videos = new List<Tensor>(count);
                for (var i = 0; i < count; i++)
                {
                    var clip = source.ClipAt(start + i);
                    var at = captions.IndexOf(clip.Caption);
                    if (at < 0)
                    {
                        at = captions.Count;
                        captions.Add(clip.Caption);
                    }
                    captionIndex[start + i] = at;
                    videos.Add(source.Render(clip).permute(3, 0, 1, 2));                      // (3, F, H, W) uint8
                }
                var video = stack(videos).to(ScalarType.Float32).mul(scale).sub(one);          // (b, 3, F, H, W) in [−1, 1]
                using var posterior = components.Vae.EncodeUnchunked(video);                    // = chunked Encode up to rounding, much faster
                latents.Add(posterior.Mean.clone().MoveToOuterDisposeScope());                 // (b, z, T, h, w)
                features.Add(PipelineTensors.SemanticFeatures(components.SemanticEncoder, video, components.Manifest.SemanticSampling).MoveToOuterDisposeScope());
                progress?.Report((start + count, clips));
            }
            using var allLatents = cat(latents, 0);
            using var allFeatures = cat(features, 0);
            using var index = tensor(captionIndex);
            SafetensorsWriter.Write(path, [("latents", allLatents), ("features", allFeatures), ("caption_index", index)],
                new Dictionary<string, string> { ["identity"] = identity, ["captions"] = JsonSerializer.Serialize(captions) });
            return path;
        }
        finally
        {
            foreach (var t in latents.Concat(features)) t.Dispose();
        }
    }
}
