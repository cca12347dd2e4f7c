namespace SemanticGen.Services.Core.Jobs;

/// <summary>What a job does (JSON: <c>text-to-video</c>, <c>long-video</c>, <c>caption-folder</c>).</summary>
public enum JobKind
{
    /// <summary>Prompt (or a video to caption first) → mp4.</summary>
    TextToVideo,

    /// <summary>Story outline → long mp4 (needs an <see cref="Stages.ILongVideoPipeline"/>).</summary>
    LongVideo,

    /// <summary>Caption every video of a folder → captions.jsonl.</summary>
    CaptionFolder,
}
