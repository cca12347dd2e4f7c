using System.Globalization;
using SemanticGen.Abstractions.Media;
using TorchSharp;

namespace SemanticGen.Media;

/// <summary>
/// One ffmpeg decoding a file to rgb24 on stdout, taken chunk by chunk into uint8 tensors (T, H, W, 3). Only the chunk
/// being filled is held here, and ffmpeg blocks on the pipe while the caller holds the previous one, so memory stays at
/// about two chunks however long the video. Cancellation and the decode time limit kill ffmpeg; so does disposing.
/// </summary>
internal sealed class FrameDecoding : IAsyncDisposable
{
    private readonly FfmpegProcess _ffmpeg;
    private readonly string _path;
    private readonly FrameReadPlan _plan;
    private readonly DecodeBudget _budget;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenRegistration _killOnStop;
    private bool _ended;

    private FrameDecoding(FfmpegProcess ffmpeg, string path, FrameReadPlan plan, DecodeBudget budget, CancellationToken callerToken)
    {
        (_ffmpeg, _path, _plan, _budget, _callerToken) = (ffmpeg, path, plan, budget, callerToken);
        _stop = CancellationTokenSource.CreateLinkedTokenSource(callerToken, budget.Token);
        _killOnStop = _stop.Token.Register(ffmpeg.Kill);
    }

    public static FrameDecoding Start(FfmpegBinaries binaries, ProbedVideo video, FrameReadPlan plan, TimeSpan decodeTimeout, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var budget = new DecodeBudget(decodeTimeout);
        try
        {
            var ffmpeg = FfmpegProcess.Start(binaries.Ffmpeg, plan.Arguments);
            ffmpeg.CloseInput();
            budget.Resume();
            return new FrameDecoding(ffmpeg, video.Info.Path, plan, budget, cancellationToken);
        }
        catch
        {
            budget.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The next chunk, or null after the last one. The caller owns it outright: it is detached from any DisposeScope, as
    /// which scope an async continuation would land in depends on the thread it runs on.
    /// </summary>
    public async Task<torch.Tensor?> ReadChunkAsync()
    {
        if (_ended)
        {
            return null;
        }

        _budget.Resume();
        var chunk = torch.empty([_plan.ChunkFrames, _plan.Height, _plan.Width, 3], torch.ScalarType.Byte);
        try
        {
            var bytes = await TensorPipe.ReadAsync(_ffmpeg.Output, chunk, _stop.Token).ConfigureAwait(false);
            var frames = (int)(bytes / _plan.FrameBytes);
            if (frames == _plan.ChunkFrames)
            {
                return chunk.DetachFromDisposeScope();
            }

            // Output ended: make sure ffmpeg ended well before handing out the last, short chunk.
            _ended = true;
            await FinishAsync(bytes % _plan.FrameBytes != 0).ConfigureAwait(false);
            using (chunk)
            {
                if (frames == 0)
                {
                    return null;
                }

                using var filled = chunk[..frames];
                return filled.clone().DetachFromDisposeScope();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            chunk.Dispose();
            ThrowIfStopped(e);
            throw new VideoFormatException(_path, $"reading decoded frames failed ({e.Message})", e);
        }
        catch
        {
            chunk.Dispose();
            throw;
        }
        finally
        {
            _budget.Pause();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _killOnStop.DisposeAsync().ConfigureAwait(false);
        await _ffmpeg.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
        _budget.Dispose();
    }

    private async Task FinishAsync(bool endedMidFrame)
    {
        var exitCode = await _ffmpeg.WaitForExitAsync(_stop.Token).ConfigureAwait(false);
        if (exitCode == 0 && !endedMidFrame)
        {
            return;
        }

        ThrowIfStopped(null);
        var problem = exitCode != 0
            ? $"decoding failed, the file is corrupt or truncated (ffmpeg exit code {exitCode}: {FfmpegLog.Summarize(_ffmpeg.ErrorTail, _path)})"
            : "decoder output ended in the middle of a frame";
        throw new VideoFormatException(_path, problem);
    }

    /// <summary>When ffmpeg was stopped on purpose, what it then reports is noise: say why it was stopped instead.</summary>
    private void ThrowIfStopped(Exception? cause)
    {
        _callerToken.ThrowIfCancellationRequested();
        if (_budget.Expired)
        {
            throw new VideoFormatException(_path, string.Create(CultureInfo.InvariantCulture, $"decoding took longer than the limit of {_budget.Limit:g}"), cause);
        }
    }
}
