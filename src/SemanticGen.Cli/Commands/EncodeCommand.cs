using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Media;
using SemanticGen.Models.Runtime;
using SemanticGen.Weights;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `encode`: semantic features of a real video file with a configured encoder plugin. Frames are sampled at the
/// encoder's preferred rate (SemanticGen: 1.6 fps) unless --fps says otherwise; a frame count that is not a multiple
/// of the encoder's tubelet is completed by repeating the last frame. Writes `features` (N, D) float32 plus the grid,
/// the slot spans and the provenance as safetensors metadata.
/// </summary>
internal static class EncodeCommand
{
    public static Command Build()
    {
        var encoder = EncoderCliOptions.Encoder();
        var weights = new Option<string>("--weights") { Description = "Weights: a .safetensors file, a sharded index, or a folder with config.json.", Required = true };
        var config = new Option<string?>("--config") { Description = "The encoder's config.json (default: beside the weights)." };
        var video = new Option<FileInfo>("--video") { Description = "The video to encode.", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the features (.safetensors).", Required = true };
        var fps = new Option<double?>("--fps") { Description = "Sampling rate (default: the encoder's preferred rate, 1.6 fps)." };
        var maxFrames = new Option<int>("--max-frames") { Description = "Most sampled frames to encode.", DefaultValueFactory = _ => 256 };
        var device = EncoderCliOptions.Device();
        var dtype = EncoderCliOptions.Dtype();
        var command = new Command("encode", "Extract semantic features of a video with an encoder plugin; writes safetensors.")
        {
            encoder, weights, config, video, output, fps, maxFrames, device, dtype,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(
            new SemanticEncoderSettings(parse.GetValue(encoder)!, parse.GetValue(weights), parse.GetValue(config), null, parse.GetValue(device)!, parse.GetValue(dtype)!),
            parse.GetValue(video)!, parse.GetValue(output)!, parse.GetValue(fps), parse.GetValue(maxFrames), cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(SemanticEncoderSettings settings, FileInfo video, FileInfo output, double? fps, int maxFrames, CancellationToken cancellation)
    {
        if (maxFrames < 1)
            throw new ArgumentException($"--max-frames must be positive, found {maxFrames}");
        TorchRuntime.Initialize(settings.Device);  // before any torch call: CUDA loads PyTorch's libtorch
        await using var services = CliServices.BuildWithEncoder(settings);
        var encoder = services.GetRequiredService<ISemanticEncoder>();
        var rate = fps ?? encoder.Info.PreferredFps;
        var clock = Stopwatch.StartNew();

        using var sampled = await services.GetRequiredService<IVideoReader>()
            .ReadAllFramesAsync(video.FullName, new FrameReadRequest(Fps: rate, MaxFrames: maxFrames), cancellation).ConfigureAwait(false); // (T, H, W, 3)
        using var frames = CompleteLastSlot(sampled, encoder.Info.Input.FramesPerSlot);                                                         // (T', H, W, 3)
        using var batch = frames.unsqueeze(0);                                                                                                  // (1, T', H, W, 3)
        using var features = encoder.Encode(new VideoFrames(batch, rate));
        using var tokens = features.Tokens[0].to(torch.ScalarType.Float32).cpu();                                                            // (N, D)

        var metadata = new Dictionary<string, string>
        {
            ["encoder"] = encoder.Info.Key,
            ["grid_thw"] = $"{features.Grid.T},{features.Grid.H},{features.Grid.W}",
            ["fps"] = rate.ToString(CultureInfo.InvariantCulture),
            ["source"] = video.FullName,
            ["slots"] = JsonSerializer.Serialize(features.Slots.Select(slot => new[] { slot.Start.TotalSeconds, slot.End.TotalSeconds })),
        };
        SafetensorsWriter.Write(output.FullName, [("features", tokens)], metadata);

        AnsiConsole.MarkupLine(Markup.Escape(
            $"{output.FullName}: {encoder.Info.Key} features {tokens.shape[0]}×{tokens.shape[1]} (grid {features.Grid}) from " +
            $"{sampled.shape[0]} frames at {rate:0.###} fps in {clock.Elapsed.TotalSeconds:0.0} s"));
        return 0;
    }

    /// <summary>Repeats the last frame so the count is a multiple of the tubelet (HF's processors pad the same way).</summary>
    private static torch.Tensor CompleteLastSlot(torch.Tensor frames, int framesPerSlot)
    {
        var missing = (int)((framesPerSlot - frames.shape[0] % framesPerSlot) % framesPerSlot);
        if (missing == 0)
            return frames.alias();
        using var last = frames[^1..];
        using var repeated = last.expand(missing, -1, -1, -1);
        return torch.cat([frames, repeated], dim: 0);
    }
}
