using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;

namespace SemanticGen.Services.Core.Captioning;

/// <summary>
/// The built-in captioner that needs no model: decodes the clip, reads colour, shape, motion and background with the
/// Shapes World scorer's pixel analysis (<see cref="ShapesScorer.Detect"/>) and prints the grammar caption. Only right for
/// Shapes World footage; a clip where no object stands out is a <see cref="Stages.CaptioningException"/>.
/// </summary>
public sealed class ShapesWorldCaptioner(IVideoReader reader) : Stages.ICaptioner
{
    /// <summary>Key in configuration (<c>Captioning:Type</c>).</summary>
    public const string Key = "shapes-world";

    // Longest clip decoded (frames); Shapes World clips have 49.
    private const int MaxFrames = 240;
    private readonly ShapesScorer _scorer = new();

    /// <inheritdoc />
    public async Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default)
    {
        using var frames = await reader.ReadAllFramesAsync(videoPath, new FrameReadRequest(MaxFrames: MaxFrames), cancellationToken)
            .ConfigureAwait(false);
        var detected = _scorer.Detect(frames);
        if (detected.Colour is null || detected.Shape is null || detected.Motion is null)
            throw new Stages.CaptioningException(
                $"{videoPath}: no Shapes World object was found ({detected.FramesWithObject} of {detected.Frames} frames show one).");
        return ShapesCaption.Format(new ShapesComposition(detected.Colour, detected.Shape, detected.Motion, detected.Background));
    }
}
