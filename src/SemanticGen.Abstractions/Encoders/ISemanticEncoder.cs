namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// A frozen (or self-supervised, trainable) video encoder whose features define SemanticGen's semantic space.
/// Each plugin owns its preprocessing; device and dtype are fixed when the encoder is created (its options).
/// </summary>
public interface ISemanticEncoder : IDisposable
{
    /// <summary>Key, feature dim, preferred fps and input rules.</summary>
    SemanticEncoderInfo Info { get; }

    /// <summary>
    /// The plugin's preprocessing of uint8 frames (B, T, H, W, 3): resize/crop to its size rule, normalise, lay out
    /// as its model input. T must be a multiple of <see cref="EncoderInputRules.FramesPerSlot"/> (ArgumentException
    /// naming expected and found otherwise).
    /// </summary>
    PreprocessedVideo Preprocess(VideoFrames frames);

    /// <summary>Runs the model on preprocessed input: semantic tokens (B, N, D) with their grid and slot spans.</summary>
    SemanticFeatures Encode(PreprocessedVideo input);
}
