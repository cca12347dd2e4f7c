using System.Diagnostics;
using SemanticGen.Models.DiT;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench --model wan-transformer`: times forward-only and forward+backward steps of the Wan transformer at the token
/// count of a video of --frames × --height × --width pixels (Wan VAE 4×8×8, patches 1×2×2: 81×480×832 → 21×30×52 =
/// 32,760 tokens), with random weights of --preset; prints ms/step, TFLOP/s (analytic count, below) and peak memory.
/// </summary>
internal static class BenchModelCommand
{
    public sealed record Request(string Model, string Preset, int Frames, int Height, int Width, string Device, string Dtype, int Steps, int TextLength, bool Checkpointing);

    public static int Run(Request request)
    {
        if (request.Model != "wan-transformer")
            throw new ArgumentException($"--model '{request.Model}' is not benchmarkable; known: wan-transformer");
        if ((request.Frames - 1) % 4 != 0 || request.Height % 16 != 0 || request.Width % 16 != 0 || request.Steps < 1)
            throw new ArgumentException($"need --frames = 4n+1, --height and --width multiples of 16 and --steps ≥ 1; found {request.Frames}, {request.Height}, {request.Width}, {request.Steps}");
        var dtype = request.Dtype switch
        {
            "float32" or "fp32" => torch.ScalarType.Float32,
            "bfloat16" or "bf16" => torch.ScalarType.BFloat16,
            _ => throw new ArgumentException($"--dtype '{request.Dtype}' is not float32 or bf16"),
        };
        if (request.Device.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
            throw new ArgumentException($"--device {request.Device}: CUDA is not available in this build (it takes the CPU libtorch bundle)");

        var config = WanTransformerPresets.Get(request.Preset);
        var device = new torch.Device(request.Device);
        var latentFrames = (request.Frames - 1) / 4 + 1;
        long[] latentShape = [1, config.InChannels, latentFrames, request.Height / 8, request.Width / 8];
        var tokens = (long)latentFrames * (request.Height / 16) * (request.Width / 16);
        var forwardFlops = ForwardFlops(config, tokens, request.TextLength);

        using var model = new WanTransformer3DModel(config, device, dtype) { GradientCheckpointing = request.Checkpointing };
        var generator = new torch.Generator(0).manual_seed(0);
        using var latents = torch.randn(latentShape, generator: generator).to(dtype).to(device);
        using var text = torch.randn([1, request.TextLength, config.TextDim], generator: generator).to(dtype).to(device);
        using var timestep = torch.full([1], 500.0f, device: device);

        PeakMemory.Reset();
        var forward = Time(request.Steps, () =>
        {
            using var noGrad = torch.no_grad();
            model.forward(latents, timestep, text).Dispose();
        });
        var training = Time(request.Steps, () =>
        {
            using var output = model.forward(latents, timestep, text);
            using var loss = output.to(torch.ScalarType.Float32).square().mean();
            loss.backward();
            foreach (var parameter in model.parameters())
                parameter.grad?.zero_();
        });

        var table = new Table().AddColumn("step").AddColumn(new TableColumn("ms/step").RightAligned()).AddColumn(new TableColumn("TFLOP/s").RightAligned());
        table.AddRow("forward", $"{forward:0.0}", $"{forwardFlops / forward / 1e9:0.000}");
        table.AddRow("forward+backward", $"{training:0.0}", $"{3 * forwardFlops / training / 1e9:0.000}");
        AnsiConsole.Write(table);
        Console.Out.WriteLine(
            $"wan-transformer {request.Preset}, {request.Device}/{request.Dtype}, latents ({string.Join("×", latentShape)}) = {tokens:N0} tokens, " +
            $"text {request.TextLength}, {request.Steps} timed steps after 1 warm-up, checkpointing {(request.Checkpointing ? "on" : "off")}; " +
            $"forward {forwardFlops / 1e9:0.###} GFLOP (backward counted as 2×); peak RSS {PeakMemory.ResidentMiB():0} MiB");
        return 0;
    }

    /// <summary>
    /// Matmul FLOPs of one forward pass (2 per multiply-add): per block, self-attention projections 8ND², scores and
    /// values 4N²D, cross-attention q/out 4ND², text k/v 4LD², scores 4NLD, feed-forward 4NDF; plus patch embedding and
    /// head (small). Elementwise work is not counted, as usual for TFLOP/s figures.
    /// </summary>
    internal static double ForwardFlops(WanTransformerConfig config, long tokens, int textLength)
    {
        double n = tokens, d = config.InnerDim, f = config.FfnDim, l = textLength;
        var block = 8 * n * d * d + 4 * n * n * d + 4 * n * d * d + 4 * l * d * d + 4 * n * l * d + 4 * n * d * f;
        var patch = config.PatchSize[0] * config.PatchSize[1] * config.PatchSize[2];
        return config.NumLayers * block + 2 * n * d * (config.InChannels * patch + config.PatchOutDim);
    }

    private static double Time(int steps, Action step)
    {
        step();  // warm-up: allocator, caches
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            step();
        }

        return clock.Elapsed.TotalMilliseconds / steps;
    }
}
