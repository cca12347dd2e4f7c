using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media.Tests;

public sealed class ContactSheetTests : IDisposable
{
    /// <summary>49 frames, 16 wanted (all 49 fit in the 64 held): frame round(3.2 i) for i = 0…15.</summary>
    private static readonly long[] PickedOf49 = [0, 3, 6, 10, 13, 16, 19, 22, 26, 29, 32, 35, 38, 42, 45, 48];

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Sheet_beside_the_mp4_is_a_grid_of_the_sampled_frames()
    {
        using var ramp = SyntheticClips.ColourRamp();
        var path = _folder.File("clip.mp4");

        await new FfmpegVideoWriter().WriteAsync(path, ramp, new VideoWriteRequest(24), TestContext.Current.CancellationToken);

        var sheetPath = _folder.File("clip.png");
        (await FfmpegCommand.SizeOfAsync(sheetPath)).Should().Be((8 * 64, 2 * 64), "16 tiles of 64×64 in 8 columns");
        using var sheet = await FfmpegCommand.DecodePngAsync(sheetPath);
        for (var tile = 0; tile < 16; tile++)
        {
            var (row, column) = (tile / 8, tile % 8);
            using var cell = sheet[torch.TensorIndex.Slice(row * 64, row * 64 + 64), torch.TensorIndex.Slice(column * 64, column * 64 + 64)];
            using var source = ramp[PickedOf49[tile]];
            cell.Equals(source).Should().BeTrue($"tile {tile} is frame {PickedOf49[tile]}, losslessly (PNG)");
        }
    }

    [Fact]
    public async Task Few_frames_give_a_single_row_and_large_frames_are_shrunk()
    {
        using var frames = SyntheticClips.VerticalBands(frames: 3, width: 600, height: 200);
        var path = _folder.File("wide.mp4");

        await new FfmpegVideoWriter().WriteAsync(path, frames, new VideoWriteRequest(24, ContactSheetColumns: 4, ContactSheetFrames: 8), TestContext.Current.CancellationToken);

        // 3 frames < 4 columns: one row of 3; 600 px > 256 px: shrunk by 3 to 200×66.
        (await FfmpegCommand.SizeOfAsync(_folder.File("wide.png"))).Should().Be((3 * 200, 66));
        using var sheet = await FfmpegCommand.DecodePngAsync(_folder.File("wide.png"));
        sheet[30, 200 + 30].ShouldBeNear([255, 0, 0], 0, "the second tile starts with the red band");
        sheet[30, 200 + 100].ShouldBeNear([0, 255, 0], 0, "and has the green band in its middle");
    }

    [Fact]
    public void Sampler_picks_evenly_spaced_frames_and_holds_a_bounded_number()
    {
        using var sampler = new ContactSheetSampler(16, frame => frame.clone());
        using var batch = torch.zeros([49, 1, 1, 3], torch.ScalarType.Byte);
        sampler.Offer(batch);
        sampler.Pick().Select(k => k.Index).Should().Equal(PickedOf49);

        using var longSampler = new ContactSheetSampler(16, frame => frame.clone());
        using var many = torch.zeros([1000, 1, 1, 3], torch.ScalarType.Byte);
        for (var i = 0; i < 10; i++)
        {
            longSampler.Offer(many);
        }

        var picked = longSampler.Pick().Select(k => k.Index).ToList();
        longSampler.MostHeld.Should().BeLessThanOrEqualTo(65, "never more than four times the wanted tiles plus one");
        picked.Should().HaveCount(16).And.OnlyHaveUniqueItems().And.BeInAscendingOrder().And.StartWith(0);
        var ideal = Enumerable.Range(0, 16).Select(i => i * 9_999 / 15.0);
        picked.Zip(ideal, (p, e) => Math.Abs(p - e)).Should().OnlyContain(off => off < 10_000 / 32.0, "each tile is near its evenly spaced position");
    }
}
