using Microsoft.SemanticKernel;
using Microsoft.SemanticKernel.ChatCompletion;
using SemanticGen.Abstractions.Media;
using SemanticGen.Services.Core.Stages;

namespace SemanticGen.Services.Core.Captioning;

/// <summary>
/// Captions a video with a vision-capable chat model through Semantic Kernel (any OpenAI-compatible endpoint): samples
/// <see cref="CaptioningOptions.Frames"/> frames evenly, sends them as PNG images with an instruction, and returns the
/// model's one-sentence answer.
/// </summary>
public sealed class SemanticKernelCaptioner(IChatCompletionService chat, IVideoReader reader, CaptioningOptions options) : ICaptioner
{
    /// <summary>Key in configuration (<c>Captioning:Type</c>).</summary>
    public const string Key = "semantic-kernel";

    /// <summary>The instruction sent with the frames.</summary>
    public const string Instruction =
        "These are frames of one short video, in order. Write one plain sentence that describes what the video shows " +
        "and how things move. Answer with the sentence only.";

    /// <inheritdoc />
    public async Task<string> CaptionAsync(string videoPath, CancellationToken cancellationToken = default)
    {
        var info = await reader.ProbeAsync(videoPath, cancellationToken).ConfigureAwait(false);
        var count = Math.Clamp(options.Frames, 1, 16);
        var fps = count / Math.Max(info.Duration.TotalSeconds, 1e-3);
        var message = new ChatMessageContentItemCollection { new TextContent(Instruction) };
        await foreach (var chunk in reader.ReadFramesAsync(videoPath, new FrameReadRequest(Fps: fps, MaxFrames: count), cancellationToken)
                           .ConfigureAwait(false))
        {
            using (chunk)
            {
                for (var i = 0; i < chunk.shape[0]; i++)
                {
                    using var frame = chunk[i].contiguous();
                    var (h, w) = ((int)frame.shape[0], (int)frame.shape[1]);
                    var png = PngEncoder.Encode(frame.data<byte>().ToArray(), w, h);
                    message.Add(new ImageContent(png, "image/png"));
                }
            }
        }

        var history = new ChatHistory();
        history.AddUserMessage(message);
        ChatMessageContent reply;
        try
        {
            reply = await chat.GetChatMessageContentAsync(history, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A server that is down, refuses the request, or answers something that is not a chat completion.
            throw new CaptioningException(
                $"{videoPath}: the model {options.ModelId} at {options.Endpoint} gave no usable reply ({error.GetType().Name}: {error.Message}).", error);
        }

        var caption = reply.Content?.Trim();
        if (string.IsNullOrEmpty(caption))
            throw new CaptioningException($"{videoPath}: the model {options.ModelId} returned an empty caption.");
        return caption;
    }
}
