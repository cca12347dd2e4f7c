using SemanticGen.Weights;
using TorchSharp;

namespace SemanticGen.Encoders.VideoMAE2;

/// <summary>Loads VideoMAE checkpoints (any layout <see cref="VideoMAECheckpointMapper"/> reads) strictly into our modules.</summary>
public static class VideoMAECheckpoint
{
    /// <summary>The prefix Hugging Face's task models (pre-training, classification) put before the encoder's keys.</summary>
    public const string EncoderPrefix = "videomae.";

    /// <summary>Opens a .safetensors file, index or folder through the key mapper.</summary>
    public static ITensorSource Open(string path) => VideoMAECheckpointMapper.Wrap(TensorSource.Open(path));

    /// <summary>
    /// Loads the encoder's tensors. When keys carry <c>videomae.</c> (a pre-training or classification checkpoint)
    /// only those are read and the rest (decoder, heads) are skipped; otherwise every key must belong to the encoder.
    /// </summary>
    /// <exception cref="WeightLoadException">Missing, unexpected or mis-shaped tensors (all listed, nothing copied).</exception>
    /// <exception cref="SafetensorsFormatException">The file is not a valid safetensors file.</exception>
    public static WeightLoadReport Load(VideoMAEModel model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var source = Open(path);
        var prefixed = source.Keys.Any(key => key.StartsWith(EncoderPrefix, StringComparison.Ordinal));
        var options = new WeightLoadOptions { StripPrefixes = prefixed ? [EncoderPrefix] : [] };
        return ModuleWeightLoader.Load(model, source, options);
    }

    /// <summary>Loads a whole pre-training model (Hugging Face <c>VideoMAEForPreTraining</c> keys: <c>videomae.*</c>, <c>decoder.*</c>, …).</summary>
    /// <exception cref="WeightLoadException">Missing, unexpected or mis-shaped tensors (all listed, nothing copied).</exception>
    public static WeightLoadReport Load(VideoMAEPretraining model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var source = Open(path);
        return ModuleWeightLoader.Load(model, source);
    }
}
