using SemanticGen.Abstractions.Media;

namespace SemanticGen.Media.Tests;

/// <summary>Resizing to a requested size: centre crop (no borders) or pad (black borders), always exactly Width×Height.</summary>
public sealed class FrameFitTests : IDisposable
{
    private static readonly byte[] Red = [255, 0, 0];
    private static readonly byte[] Green = [0, 255, 0];
    private static readonly byte[] Blue = [0, 0, 255];
    private static readonly byte[] Black = [0, 0, 0];

    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoReader _reader = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Crop_scales_to_cover_and_keeps_the_centre()
    {
        var path = await WriteBandsAsync(); // 96×64: red | green | blue, 32 px each

        var (frames, _) = await _reader.ReadAllAsync(path, new FrameReadRequest(Width: 32, Height: 32, Fit: FrameFit.CropCenter));

        using (frames)
        {
            // Scaled to 48×32, the middle 32 columns are source columns 16–79: 8 red, 16 green, 8 blue.
            frames.shape.Should().Equal(3, 32, 32, 3);
            frames[1, 16, 2].ShouldBeNear(Red, 40, "the left edge is the inner half of the red band");
            frames[1, 16, 16].ShouldBeNear(Green, 40, "the centre stays in the centre");
            frames[1, 16, 29].ShouldBeNear(Blue, 40, "the right edge is the inner half of the blue band");
            frames[1, 0, 16].ShouldBeNear(Green, 40, "cropping adds no border");
        }
    }

    [Fact]
    public async Task Pad_scales_to_fit_and_fills_the_rest_with_black()
    {
        var path = await WriteBandsAsync();

        var (frames, _) = await _reader.ReadAllAsync(path, new FrameReadRequest(Width: 48, Height: 48, Fit: FrameFit.Pad));

        using (frames)
        {
            // Scaled to 48×32 and centred: rows 0–7 and 40–47 are padding.
            frames.shape.Should().Equal(3, 48, 48, 3);
            frames[1, 2, 24].ShouldBeNear(Black, 4, "the top border is black");
            frames[1, 45, 24].ShouldBeNear(Black, 4, "the bottom border is black");
            frames[1, 24, 4].ShouldBeNear(Red, 40, "all three bands are kept, left");
            frames[1, 24, 24].ShouldBeNear(Green, 40, "all three bands are kept, centre");
            frames[1, 24, 43].ShouldBeNear(Blue, 40, "all three bands are kept, right");
        }
    }

    private async Task<string> WriteBandsAsync()
    {
        using var bands = SyntheticClips.VerticalBands(frames: 3, width: 96, height: 64);
        var path = _folder.File("bands.mp4");
        await new FfmpegVideoWriter().WriteAsync(path, bands, new VideoWriteRequest(8, ContactSheet: false), TestContext.Current.CancellationToken);
        return path;
    }
}
