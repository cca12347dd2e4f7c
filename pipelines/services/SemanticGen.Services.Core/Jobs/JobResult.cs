namespace SemanticGen.Services.Core.Jobs;

/// <summary>What a finished job produced: paths under the artifact root (references, never contents).</summary>
/// <param name="VideoPath">Text-to-video / long-video: the mp4.</param>
/// <param name="ContactSheetPath">The PNG contact sheet beside the mp4, when one was written.</param>
/// <param name="SemanticsPath">Text-to-video: the z_sem safetensors artifact.</param>
/// <param name="CaptionsPath">Caption-folder: the captions.jsonl written.</param>
/// <param name="Prompt">The prompt used (the caption, when it was captioned from a video).</param>
/// <param name="Count">Videos written or captioned.</param>
public sealed record JobResult(
    string? VideoPath = null,
    string? ContactSheetPath = null,
    string? SemanticsPath = null,
    string? CaptionsPath = null,
    string? Prompt = null,
    int Count = 0);
