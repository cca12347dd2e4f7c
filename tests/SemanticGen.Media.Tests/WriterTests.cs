using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media.Tests;

/// <summary>Atomic writes (nothing at the final path unless completed) and frame validation.</summary>
public sealed class WriterTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly FfmpegVideoWriter _writer = new();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Until_completion_nothing_is_at_the_final_path_and_disposing_instead_leaves_nothing_at_all()
    {
        using var clip = SyntheticClips.MovingSquare(frames: 10);
        var path = _folder.File("abandoned.mp4");

        var sink = await _writer.OpenAsync(path, 64, 64, new VideoWriteRequest(24), Cancel);
        await sink.AppendAsync(clip, Cancel);
        File.Exists(path).Should().BeFalse("the mp4 only appears on completion");
        (await ChildProcesses.EventuallyAsync(() => _folder.Files().Any(name => name.StartsWith(".sg-partial-")), TimeSpan.FromSeconds(5)))
            .Should().BeTrue("ffmpeg writes a hidden partial file meanwhile");
        var ffmpeg = ((Mp4FrameSink)sink).ProcessId;
        await sink.DisposeAsync();

        _folder.Files().Should().BeEmpty("an abandoned write removes its partial file and writes no sheet");
        ChildProcesses.IsAlive(ffmpeg).Should().BeFalse("the encoder was stopped");
    }

    [Fact]
    public async Task An_exception_while_writing_leaves_no_file()
    {
        using var clip = SyntheticClips.MovingSquare(frames: 10);
        var path = _folder.File("failed.mp4");

        var write = async () =>
        {
            await using var sink = await _writer.OpenAsync(path, 64, 64, new VideoWriteRequest(24), Cancel);
            await sink.AppendAsync(clip, Cancel);
            throw new InvalidOperationException("the model blew up mid-clip");
        };

        await write.Should().ThrowAsync<InvalidOperationException>();
        _folder.Files().Should().BeEmpty();
    }

    [Fact]
    public async Task A_cancelled_append_ends_the_write_and_leaves_no_file()
    {
        using var clip = SyntheticClips.MovingSquare(frames: 10);
        var path = _folder.File("cancelled.mp4");
        await using var sink = await _writer.OpenAsync(path, 64, 64, new VideoWriteRequest(24), Cancel);
        await sink.AppendAsync(clip, Cancel);

        var append = () => sink.AppendAsync(clip, new CancellationToken(canceled: true));

        await append.Should().ThrowAsync<OperationCanceledException>();
        _folder.Files().Should().BeEmpty();
        var complete = () => sink.CompleteAsync(Cancel);
        await complete.Should().ThrowAsync<ObjectDisposedException>();
    }

    [Fact]
    public async Task Completing_with_no_frames_fails_and_leaves_no_file()
    {
        var path = _folder.File("empty.mp4");
        await using var sink = await _writer.OpenAsync(path, 64, 64, new VideoWriteRequest(24), Cancel);

        var complete = () => sink.CompleteAsync(Cancel);

        await complete.Should().ThrowAsync<InvalidOperationException>().WithMessage("*no frames were appended*");
        _folder.Files().Should().BeEmpty();
        var append = () => sink.AppendAsync(torch.zeros([64, 64, 3], torch.ScalarType.Byte), Cancel);
        await append.Should().ThrowAsync<ObjectDisposedException>("a failed completion ends the sink");
    }

    [Fact]
    public async Task Completion_replaces_an_existing_file_and_single_frames_can_be_appended()
    {
        var path = _folder.File("replaced.mp4");
        await File.WriteAllTextAsync(path, "old", Cancel);
        using var clip = SyntheticClips.ColourRamp(frames: 3, width: 16, height: 16);

        await using var sink = await _writer.OpenAsync(path, 16, 16, new VideoWriteRequest(5, ContactSheet: false), Cancel);
        for (var i = 0; i < 3; i++)
        {
            using var frame = clip[i];
            await sink.AppendAsync(frame, Cancel);
        }

        var info = await sink.CompleteAsync(Cancel);

        info.FrameCount.Should().Be(3);
        (await new FfmpegVideoReader().ProbeAsync(path, Cancel)).FrameCount.Should().Be(3);
        _folder.Files().Should().Equal("replaced.mp4");
    }

    [Theory]
    [InlineData(new long[] { 2, 64, 64, 3 }, torch.ScalarType.Float32, "*expected uint8 frames of shape (T, 64, 64, 3) or (64, 64, 3), found float32 (2, 64, 64, 3)*")]
    [InlineData(new long[] { 2, 64, 32, 3 }, torch.ScalarType.Byte, "*found uint8 (2, 64, 32, 3)*")]
    [InlineData(new long[] { 2, 3, 64, 64 }, torch.ScalarType.Byte, "*found uint8 (2, 3, 64, 64)*")]
    [InlineData(new long[] { 64, 64 }, torch.ScalarType.Byte, "*found uint8 (64, 64)*")]
    public async Task Frames_of_the_wrong_dtype_or_shape_are_refused_and_the_sink_stays_usable(long[] shape, torch.ScalarType dtype, string message)
    {
        var path = _folder.File("checked.mp4");
        await using var sink = await _writer.OpenAsync(path, 64, 64, new VideoWriteRequest(24, ContactSheet: false), Cancel);
        using var wrong = torch.zeros(shape, dtype);

        var append = () => sink.AppendAsync(wrong, Cancel);

        await append.Should().ThrowAsync<ArgumentException>().WithMessage(message);
        using var right = torch.zeros([1, 64, 64, 3], torch.ScalarType.Byte);
        await sink.AppendAsync(right, Cancel);
        (await sink.CompleteAsync(Cancel)).FrameCount.Should().Be(1);
    }

    [Fact]
    public async Task Bad_write_requests_are_refused_before_starting_ffmpeg()
    {
        Func<Task> open(string path, int width, VideoWriteRequest request) => () => _writer.OpenAsync(_folder.File(path), width, 64, request, Cancel);

        await open("clip.avi", 64, new VideoWriteRequest(24)).Should().ThrowAsync<ArgumentException>().WithMessage("*must be an .mp4 file*");
        await open("clip.mp4", 0, new VideoWriteRequest(24)).Should().ThrowAsync<ArgumentOutOfRangeException>();
        await open("clip.mp4", 64, new VideoWriteRequest(0)).Should().ThrowAsync<ArgumentException>().WithMessage("Fps must be positive*");
        await open("clip.mp4", 64, new VideoWriteRequest(24, Crf: 60)).Should().ThrowAsync<ArgumentException>().WithMessage("Crf must be within 0–51*");
        await open("clip.mp4", 64, new VideoWriteRequest(24, ContactSheetColumns: 0)).Should().ThrowAsync<ArgumentException>();
        await open("quote\".mp4", 64, new VideoWriteRequest(24)).Should().ThrowAsync<ArgumentException>().WithMessage("*double quote*");
        _folder.Files().Should().BeEmpty();
    }
}
