using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media;

/// <summary>
/// Where a written mp4 (and its contact sheet) end up, and the temporary files beside them that ffmpeg writes first.
/// The temporaries live in the target folder so that finishing is a rename on the same file system (atomic).
/// </summary>
internal sealed record Mp4Target(string VideoPath, string SheetPath, string TempVideoPath, string TempSheetPath)
{
    public static Mp4Target For(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!string.Equals(Path.GetExtension(path), ".mp4", StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException($"the output must be an .mp4 file, found '{path}'", nameof(path));
        }

        try
        {
            LocalVideoPath.ThrowIfUnsafeForCommandLine(path);
        }
        catch (VideoFormatException e)
        {
            throw new ArgumentException(e.Message, nameof(path), e);
        }

        var videoPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(videoPath)!;
        Directory.CreateDirectory(folder);

        // Our own names for the temporaries: no '%' that ffmpeg's image muxer could read as a pattern.
        var stem = Path.Combine(folder, $".sg-partial-{Guid.NewGuid():N}");
        return new Mp4Target(videoPath, Path.ChangeExtension(videoPath, ".png"), stem + ".mp4", stem + ".png");
    }

    /// <summary>Removes the temporaries (after an abandoned or failed write); the final paths are never touched.</summary>
    public void DeleteTemporaries()
    {
        foreach (var file in new[] { TempVideoPath, TempSheetPath })
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
                // Best effort: a hidden partial file is left, never a file at the final path.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
