namespace SemanticGen.Services.Core.Stages;

/// <summary>Video → caption (for building training pairs from uncaptioned footage, or a prompt from a video).</summary>
public interface ICaptioner
{
    /// <summary>The caption of the video at <paramref name="videoPath"/>.</summary>
    /// <exception cref="CaptioningException">The video could not be captioned (the message says why).</exception>
    Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default);
}
