namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// A job as submitted to <c>POST /jobs</c>. Which fields apply depends on <see cref="Kind"/>:
/// text-to-video {prompt | video, seed, steps?, guidance?}; long-video {outline, seed}; caption-folder {folder}.
/// Paths are references into the shared artifact root, never file contents.
/// </summary>
/// <param name="Kind">What to do.</param>
/// <param name="Prompt">Text-to-video: the prompt. When null, <paramref name="Video"/> is captioned first.</param>
/// <param name="Video">Text-to-video without a prompt: a video under the artifact root whose caption becomes the prompt.</param>
/// <param name="Seed">Fixes every random draw.</param>
/// <param name="Steps">Euler steps per generator (1–1000); null: the pipeline's default.</param>
/// <param name="Guidance">Classifier-free guidance weight (0–50); null: the pipeline's default.</param>
/// <param name="Outline">Long-video: the story outline.</param>
/// <param name="Folder">Caption-folder: a folder under the artifact root.</param>
public sealed record JobRequest(
    JobKind Kind,
    string? Prompt = null,
    string? Video = null,
    long Seed = 0,
    int? Steps = null,
    double? Guidance = null,
    string? Outline = null,
    string? Folder = null);
