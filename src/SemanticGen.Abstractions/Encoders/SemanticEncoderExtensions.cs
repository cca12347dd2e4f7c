namespace SemanticGen.Abstractions.Encoders;

/// <summary>Conveniences over <see cref="ISemanticEncoder"/>.</summary>
public static class SemanticEncoderExtensions
{
    /// <summary>Preprocesses and encodes uint8 frames (B, T, H, W, 3) in one call.</summary>
    public static SemanticFeatures Encode(this ISemanticEncoder encoder, VideoFrames frames)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        using var input = encoder.Preprocess(frames);
        return encoder.Encode(input);
    }
}
