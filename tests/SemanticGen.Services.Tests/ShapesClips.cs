using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Media;

namespace SemanticGen.Services.Tests;

/// <summary>Writes Shapes World ground-truth clips as real mp4 files (inputs for captioning).</summary>
public static class ShapesClips
{
    public static async Task<string> WriteAsync(string path, string caption, long seed = 3)
    {
        var source = new ShapesClipSource(seed, [ShapesCaption.Parse(caption)], new ShapesRenderOptions(Frames: 25));
        using var frames = source.Render(source.ClipAt(0));
        await new FfmpegVideoWriter().WriteAsync(path, frames, new VideoWriteRequest(Fps: 24, ContactSheet: false));
        return path;
    }
}
