namespace SemanticGen.Abstractions.Generation;

/// <summary>One text-to-video request.</summary>
/// <param name="Prompt">The text to generate from (any text; the model warns about tokens it never saw in training).</param>
/// <param name="Seed">Fixes every random draw: the same request on the same pipeline gives the same video.</param>
/// <param name="Steps">Euler steps per generator; null: the pipeline's default.</param>
/// <param name="Guidance">Classifier-free guidance weight w (1 = none); null: the pipeline's default.</param>
public sealed record GenerationRequest(string Prompt, long Seed = 0, int? Steps = null, double? Guidance = null)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the field that is out of range.</summary>
    public GenerationRequest Validated()
    {
        if (string.IsNullOrWhiteSpace(Prompt)) throw new ArgumentException("the prompt is empty.", nameof(Prompt));
        if (Steps is < 1 or > 1000) throw new ArgumentException($"steps must be within 1–1000, found {Steps}.", nameof(Steps));
        if (Guidance is { } w && (!double.IsFinite(w) || w < 0 || w > 50))
            throw new ArgumentException($"guidance must be within 0–50, found {w}.", nameof(Guidance));
        return this;
    }
}

/// <summary>Progress of a generation: the numbered stage and the step within it.</summary>
/// <param name="Stage">One of <see cref="GenerationStages"/>.</param>
/// <param name="Step">Steps of this stage done (1-based once one is done).</param>
/// <param name="TotalSteps">Steps of this stage.</param>
public sealed record GenerationProgress(string Stage, int Step, int TotalSteps);

/// <summary>Stage names reported in <see cref="GenerationProgress"/>, in pipeline order.</summary>
public static class GenerationStages
{
    public const string EncodeText = "1/5 encode text";
    public const string Semantic = "2/5 semantic generation";
    public const string Latent = "3/5 latent generation";
    public const string Decode = "4/5 VAE decode";
    public const string Write = "5/5 write video";
}

/// <summary>What a generation wrote.</summary>
/// <param name="VideoPath">The mp4.</param>
/// <param name="ContactSheetPath">The PNG contact sheet beside it, or null when none was asked for.</param>
/// <param name="Frames">Frames written.</param>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="Fps">Frames per second.</param>
/// <param name="Warnings">Things the user should know (e.g. words the text encoder never saw in training).</param>
/// <param name="Elapsed">Wall time of the whole generation.</param>
public sealed record GeneratedVideo(
    string VideoPath, string? ContactSheetPath, int Frames, int Width, int Height, double Fps,
    IReadOnlyList<string> Warnings, TimeSpan Elapsed);
