using System.Diagnostics;
using TorchSharp;

namespace SemanticGen.Media.Tests;

/// <summary>Runs the ffmpeg/ffprobe command-line tools directly, to make fixtures the library itself would never write.</summary>
internal static class FfmpegCommand
{
    public static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "-hide_banner", "-v", "error" }.Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)} failed: {await error}");
        }

        return (await output).Trim();
    }

    /// <summary>A 64×64 H.264 mp4 of <paramref name="frames"/> frames written by the ffmpeg CLI without +faststart (moov at the end).</summary>
    public static Task MakeClipWithIndexAtEndAsync(string path, int frames = 49) =>
        RunAsync("ffmpeg", "-y", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=24", "-frames:v", frames.ToString(), "-c:v", "libx264", "-pix_fmt", "yuv420p", path);

    /// <summary>Width and height of an image or video as ffprobe reports them.</summary>
    public static async Task<(int Width, int Height)> SizeOfAsync(string path)
    {
        var text = await RunAsync("ffprobe", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0:s=x", path);
        var parts = text.Split('x');
        return (int.Parse(parts[0]), int.Parse(parts[1]));
    }

    /// <summary>Decodes a PNG to a uint8 (H, W, 3) tensor through ffmpeg (PNG is no video container, so not via the reader).</summary>
    public static async Task<torch.Tensor> DecodePngAsync(string path)
    {
        var (width, height) = await SizeOfAsync(path);
        var raw = Path.ChangeExtension(path, ".rgb");
        await RunAsync("ffmpeg", "-y", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", raw);
        var bytes = await File.ReadAllBytesAsync(raw);
        return torch.tensor(bytes, [height, width, 3]);
    }
}
