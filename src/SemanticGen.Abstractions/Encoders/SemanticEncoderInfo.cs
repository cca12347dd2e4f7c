namespace SemanticGen.Abstractions.Encoders;

/// <summary>What an encoder is and what input it wants.</summary>
/// <param name="Key">The configuration key that selects it (e.g. "qwen2.5-vl", "vjepa2", "videomae2").</param>
/// <param name="FeatureDim">D of the semantic tokens it returns.</param>
/// <param name="PreferredFps">The rate frames should be sampled at (SemanticGen: 1.6 fps).</param>
/// <param name="Input">Size and frame-count rules of its input.</param>
public sealed record SemanticEncoderInfo(string Key, int FeatureDim, double PreferredFps, EncoderInputRules Input);

/// <summary>
/// Input rules: frames enter in groups of <paramref name="FramesPerSlot"/> (the tubelet: 2 for all three encoders);
/// sizes are either free multiples of <paramref name="SizeMultiple"/> (Qwen2.5-VL: 28) or resized/cropped to the fixed
/// <paramref name="FixedHeight"/>×<paramref name="FixedWidth"/> (V-JEPA 2, VideoMAE); <paramref name="FixedFrames"/> is
/// the clip length a model was trained with, when it has one (informative: any multiple of FramesPerSlot is accepted).
/// </summary>
public sealed record EncoderInputRules(int FramesPerSlot, int SizeMultiple, int? FixedHeight = null, int? FixedWidth = null, int? FixedFrames = null);
