using System.Diagnostics;
using System.Runtime.InteropServices;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Runtime;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench --model wan-transformer`: times forward-only and forward+backward steps of the Wan transformer at the token
/// count of a video of --frames × --height × --width pixels (Wan VAE 4×8×8, patches 1×2×2: 81×480×832 → 21×30×52 =
/// 32,760 tokens), with random weights of --preset; prints ms/step, TFLOP/s (analytic count, below) and peak memory.
/// On CUDA (<see cref="TorchRuntime"/>: PyTorch's libtorch) each timed region is bracketed by torch.cuda.synchronize() and
/// device memory is sampled after every step (cuMemGetInfo; TorchSharp has no allocator statistics).
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
            "float16" or "fp16" => torch.ScalarType.Float16,
            _ => throw new ArgumentException($"--dtype '{request.Dtype}' is not fp32, bf16 or fp16"),
        };
        var config = WanTransformerPresets.Get(request.Preset);
        var device = TorchRuntime.Initialize(request.Device);  // before any other torch call: it may load PyTorch's libtorch
        var cuda = device.type == DeviceType.CUDA;

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
        var deviceMemory = new DeviceMemory(cuda);
        var forward = Time(request.Steps, cuda, deviceMemory, () =>
        {
            using var noGrad = torch.no_grad();
            model.forward(latents, timestep, text).Dispose();
        });
        double training;
        try
        {
            training = Time(request.Steps, cuda, deviceMemory, () =>
            {
                using var output = model.forward(latents, timestep, text);
                using var loss = output.to(torch.ScalarType.Float32).square().mean();
                loss.backward();
                foreach (var parameter in model.parameters())
                    parameter.grad?.zero_();
            });
        }
        catch (ExternalException error) when (error.Message.Contains("out of memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new TorchRuntimeException(
                $"forward+backward ran out of {(cuda ? "CUDA " : "")}memory (forward alone: {forward:0.0} ms/step, {forwardFlops / forward / 1e9:0.000} TFLOP/s); " +
                $"{(request.Checkpointing ? "use fewer --frames or a smaller size" : "add --gradient-checkpointing")}", error);
        }

        var table = new Table().AddColumn("step").AddColumn(new TableColumn("ms/step").RightAligned()).AddColumn(new TableColumn("TFLOP/s").RightAligned());
        table.AddRow("forward", $"{forward:0.0}", $"{forwardFlops / forward / 1e9:0.000}");
        table.AddRow("forward+backward", $"{training:0.0}", $"{3 * forwardFlops / training / 1e9:0.000}");
        AnsiConsole.Write(table);
        Console.Out.WriteLine(
            $"wan-transformer {request.Preset}, {request.Device}/{request.Dtype}, latents ({string.Join("×", latentShape)}) = {tokens:N0} tokens, " +
            $"text {request.TextLength}, {request.Steps} timed steps after 1 warm-up, checkpointing {(request.Checkpointing ? "on" : "off")}; " +
            $"forward {forwardFlops / 1e9:0.###} GFLOP (backward counted as 2×); peak RSS {PeakMemory.ResidentMiB():0} MiB" +
            (cuda ? $"; {deviceMemory}" : ""));
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

    /// <summary>ms per step over <paramref name="steps"/> after one warm-up; on CUDA the clock covers finished device work only.</summary>
    private static double Time(int steps, bool cuda, DeviceMemory memory, Action step)
    {
        step();  // warm-up: allocator, caches, cuBLAS handles
        Synchronize(cuda);
        memory.Sample();
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < steps; i++)
        {
            using var scope = torch.NewDisposeScope();
            step();
            if (cuda && i < steps - 1)
                memory.Sample();  // cuMemGetInfo does not wait for the GPU; reading it keeps the queue full
        }

        Synchronize(cuda);
        var elapsed = clock.Elapsed.TotalMilliseconds;
        memory.Sample();
        return elapsed / steps;
    }

    private static void Synchronize(bool cuda)
    {
        if (cuda)
            torch.cuda.synchronize();
    }

    /// <summary>Peak CUDA device memory in use across samples (see <see cref="TorchRuntime.CudaMemoryInUse"/>).</summary>
    private sealed class DeviceMemory(bool cuda)
    {
        private long? peak;

        public void Sample()
        {
            if (cuda && TorchRuntime.CudaMemoryInUse() is { } used)
                peak = Math.Max(peak ?? 0, used);
        }

        public override string ToString() => peak is { } bytes
            ? $"peak CUDA memory in use {bytes / (1024.0 * 1024):0} MiB (cuMemGetInfo after each step: CUDA context + PyTorch's caching allocator, all processes)"
            : "peak CUDA memory unknown (libcuda.so.1 cuMemGetInfo_v2 unavailable; TorchSharp exposes no allocator statistics)";
    }
}
