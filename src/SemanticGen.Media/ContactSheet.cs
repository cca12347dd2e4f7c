using FFMpegCore;
using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// A PNG grid of sampled frames, built with tensor ops and encoded by ffmpeg (rawvideo rgb24 → png), so no imaging
/// library is needed. Tiles are the frames as given (before even-size padding), shrunk by a whole factor when a side
/// exceeds <see cref="MaxTileSide"/> so that a sheet of large frames stays small.
/// </summary>
internal static class ContactSheet
{
    public const int MaxTileSide = 256;

    /// <summary>A tile for one frame (H, W, 3): a copy, area-averaged down by ceil(max(H, W) / MaxTileSide).</summary>
    public static torch.Tensor Tile(torch.Tensor frame)
    {
        var factor = (long)Math.Ceiling(Math.Max(frame.shape[0], frame.shape[1]) / (double)MaxTileSide);
        if (factor <= 1)
        {
            return frame.clone();
        }

        using var scope = torch.NewDisposeScope();
        var planes = frame.permute(2, 0, 1).unsqueeze(0).to(torch.ScalarType.Float32);
        var pooled = torch.nn.functional.avg_pool2d(planes, factor);
        var tile = pooled.round().clamp(0, 255).to(torch.ScalarType.Byte).squeeze(0).permute(1, 2, 0).contiguous();
        return tile.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The tiles (each (h, w, 3)) in a grid of min(columns, count) columns, row by row; cells after the last tile are black.
    /// Returns (rows·h, columns·w, 3), which the caller disposes.
    /// </summary>
    public static torch.Tensor Compose(IReadOnlyList<torch.Tensor> tiles, int columns)
    {
        if (tiles.Count == 0)
        {
            throw new ArgumentException("a contact sheet needs at least one tile", nameof(tiles));
        }

        using var scope = torch.NewDisposeScope();
        columns = Math.Min(columns, tiles.Count);
        var rows = (tiles.Count + columns - 1) / columns;
        var (height, width) = (tiles[0].shape[0], tiles[0].shape[1]);
        var cells = tiles.Concat(Enumerable.Range(0, rows * columns - tiles.Count).Select(_ => torch.zeros_like(tiles[0]))).ToList();
        var sheet = torch.stack(cells)
            .view(rows, columns, height, width, 3)
            .permute(0, 2, 1, 3, 4)
            .reshape(rows * height, columns * width, 3)
            .contiguous();
        return sheet.MoveToOuterDisposeScope();
    }

    /// <summary>Encodes <paramref name="sheet"/> (H, W, 3) uint8 as a PNG file at <paramref name="pngPath"/>.</summary>
    public static async Task WritePngAsync(FfmpegBinaries binaries, torch.Tensor sheet, string pngPath, CancellationToken cancellationToken)
    {
        var (height, width) = (sheet.shape[0], sheet.shape[1]);
        var arguments = FFMpegArguments
            .FromUrlInput("pipe:0", options => options.WithCustomArgument($"-f rawvideo -pix_fmt rgb24 -video_size {width}x{height}"))
            .OutputToFile(pngPath, overwrite: true, options => options.WithCustomArgument("-frames:v 1 -c:v png -f image2 -update 1"))
            .Arguments;
        await using var ffmpeg = FfmpegProcess.Start(binaries.Ffmpeg, $"-hide_banner -nostats -v error {arguments}");
        using var stop = cancellationToken.Register(ffmpeg.Kill);
        try
        {
            await TensorPipe.WriteAsync(ffmpeg.Input, sheet, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // ffmpeg quit early; its exit code and stderr below say why.
        }

        ffmpeg.CloseInput();
        var exitCode = await ffmpeg.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new IOException($"ffmpeg could not write the contact sheet {pngPath} (exit code {exitCode}: {FfmpegLog.Summarize(ffmpeg.ErrorTail)})");
        }
    }
}
