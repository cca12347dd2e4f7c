using System.Diagnostics;
using System.Globalization;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Models.Runtime;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Training.Recipes.ShapesV1;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench --model latent-windows`: the scaling of the latent generator's forward with video length (issue 6,
/// docs/long-video.md). Shapes World shots (49 frames of 64×64 at 24 fps → 16 × 13 × 8 × 8 VAE latents = 208 tokens
/// after the 1×2×2 patch, and a 4 × 4 × 4 semantic grid = 64 tokens) are concatenated in time: 5, 15 and 30 shots
/// ≈ 10, 30 and 60 s. The shapes-v1 transformer (4 heads × 32, 4 layers, FFN 256, text width 64) at random init runs
/// batch 1 without gradients, with shifted windows of T_w = 13 latent frames (one shot) and with full attention;
/// it reports ms per forward (median), ms per second of video, peak RSS, and the 60 s / 10 s ratio of the per-second
/// cost. Every row runs in a child process of its own (same command, <c>SG_BENCH_WINDOWS_ROW</c> set) so that its
/// peak RSS is its own. Two more rows per length time the long-video pipeline's stages as it runs them
/// (<see cref="LongVideoPipeline"/>): stage 1 over all shots' semantic tokens (S × 64) with full self-attention, and
/// stage 2 with T_w = 13, both with per-shot text (S × <see cref="ShotTextTokens"/> tokens, block cross-attention mask);
/// both samplers take the same number of steps, so the semantic stage's share of the sampling time is
/// stage 1 / (stage 1 + stage 2) per forward.
/// </summary>
internal static class BenchWindowsCommand
{
    private const int ShotFrames = 49;
    private const double Fps = 24.0;
    private const int WindowFrames = 13;   // latent frames of one shot
    private const int TextTokens = 64;     // a short Shapes World prompt's padded length
    private static readonly int[] Shots = [5, 15, 30];
    private const int ShotTextTokens = 32; // shapes-v1's padded prompt length, per shot in the long pipeline
    private static readonly string[] Modes = ["windows", "full", "long-semantic", "long-latent"];

    private sealed record Row(int Shots, double Seconds, long Tokens, string Mode, double MsPerForward, double CpuMsPerForward, double PeakMiB, double GrowthMiB)
    {
        public double MsPerSecond => MsPerForward / Seconds;

        public double CpuMsPerSecond => CpuMsPerForward / Seconds;
    }

    /// <summary>Set in a child process: run one row (shots, mode) and print it as a <c>ROW</c> line.</summary>
    private const string RowVariable = "SG_BENCH_WINDOWS_ROW";

    public static int Run(int steps, string deviceName)
    {
        if (steps < 1)
            throw new ArgumentException($"--steps must be at least 1, found {steps}.");
        if (Environment.GetEnvironmentVariable(RowVariable) is { Length: > 0 } row)
        {
            var parts = row.Split(',');
            return RunRow(int.Parse(parts[0], CultureInfo.InvariantCulture), parts[1], steps, deviceName);
        }

        // Each row runs in a fresh process: peak RSS is then that row's own, and no row inherits another's allocator state.
        var rows = new List<Row>();
        foreach (var shots in Shots)
        {
            foreach (var mode in Modes)
            {
                var (ms, cpuMs, peak, start) = RunChild(shots, mode, steps, deviceName);
                rows.Add(new Row(shots, shots * ShotFrames / Fps, (mode == "long-semantic" ? 64L : 272L) * shots, ModeName(mode), ms, cpuMs, peak, peak - start));
                Console.Error.WriteLine($"{shots} shots, {rows[^1].Mode}: {ms:0.0} ms/forward, peak RSS {peak:0} MiB");
            }
        }

        var table = new Table().AddColumn("video").AddColumn("shots").AddColumn(new TableColumn("tokens").RightAligned()).AddColumn("attention")
            .AddColumn(new TableColumn("ms/forward").RightAligned()).AddColumn(new TableColumn("ms per s of video").RightAligned())
            .AddColumn(new TableColumn("CPU ms/forward").RightAligned()).AddColumn(new TableColumn("CPU ms per s").RightAligned())
            .AddColumn(new TableColumn("peak RSS MiB").RightAligned()).AddColumn(new TableColumn("peak − before MiB").RightAligned());
        foreach (var r in rows)
        {
            table.AddRow($"{r.Seconds:0.0} s", $"{r.Shots}", $"{r.Tokens:N0}", r.Mode, $"{r.MsPerForward:0.0}", $"{r.MsPerSecond:0.0}",
                $"{r.CpuMsPerForward:0.0}", $"{r.CpuMsPerSecond:0.0}", $"{r.PeakMiB:0}", $"{r.GrowthMiB:0}");
        }
        AnsiConsole.Write(table);
        foreach (var mode in rows.Select(r => r.Mode).Distinct())
        {
            var (shortest, longest) = (rows.First(r => r.Mode == mode), rows.Last(r => r.Mode == mode));
            Console.Out.WriteLine(
                $"{mode}: per-second cost {longest.Seconds:0} s / {shortest.Seconds:0} s = {longest.CpuMsPerSecond / shortest.CpuMsPerSecond:0.00}× in CPU time, " +
                $"{longest.MsPerSecond / shortest.MsPerSecond:0.00}× in wall time" +
                (mode.Contains("T_w", StringComparison.Ordinal) ? " (issue 6 target for windows: ≤ 1.20×)" : "") + $"; forward memory per second {shortest.GrowthMiB / shortest.Seconds:0.0} → {longest.GrowthMiB / longest.Seconds:0.0} MiB/s");
        }
        foreach (var shots in Shots)
        {
            var semantic = rows.First(r => r.Shots == shots && r.Mode == ModeName("long-semantic"));
            var latent = rows.First(r => r.Shots == shots && r.Mode == ModeName("long-latent"));
            Console.Out.WriteLine(
                $"long pipeline, {semantic.Seconds:0.0} s: semantic stage share of sampling = {semantic.CpuMsPerForward / (semantic.CpuMsPerForward + latent.CpuMsPerForward):P1} in CPU time " +
                $"({semantic.CpuMsPerForward:0.0} vs {latent.CpuMsPerForward:0.0} CPU ms per forward), {semantic.MsPerForward / (semantic.MsPerForward + latent.MsPerForward):P1} in wall time");
        }
        Console.Out.WriteLine(
            $"latent generator, shapes-v1 sizes (4 heads × 32, 4 layers, FFN 256, text width 64), random init, batch 1, no grad, {deviceName}, " +
            $"{TextTokens} text tokens, 1 intra-op thread; median of {steps} timed forwards after 1 warm-up, one process per row; CPU ms = the process's " +
            "CPU time per forward (what a busy shared machine distorts least); peak RSS = VmHWM of that process, " +
            "'peak − before' = VmHWM minus VmRSS just before the first forward (inputs and model already allocated).");
        return 0;
    }

    private static string ModeName(string mode) => mode switch
    {
        "windows" => $"windows T_w={WindowFrames}",
        "long-semantic" => "long: stage 1, full, per-shot text",
        "long-latent" => $"long: stage 2, T_w={WindowFrames}, per-shot text",
        _ => mode,
    };

    private static (double Ms, double CpuMs, double PeakMiB, double StartMiB) RunChild(int shots, string mode, int steps, string deviceName)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("no process path to re-run the benchmark in");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(BenchWindowsCommand).Assembly.Location);
        foreach (var argument in new[] { "bench", "--model", "latent-windows", "--steps", $"{steps}", "--device", deviceName })
            start.ArgumentList.Add(argument);
        start.Environment[RowVariable] = $"{shots},{mode}";
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self}");
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var line = output.Split('\n').FirstOrDefault(l => l.StartsWith("ROW ", StringComparison.Ordinal));
        if (child.ExitCode != 0 || line is null)
            throw new InvalidOperationException($"benchmark row ({shots} shots, {mode}) failed with exit code {child.ExitCode}: {output}");
        var values = line.Split(' ').Skip(1).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        return (values[0], values[1], values[2], values[3]);
    }

    private static int RunRow(int shots, string mode, int steps, string deviceName)
    {
        var windowed = mode != "full";
        var device = TorchRuntime.Initialize(deviceName);
        var cuda = device.type == DeviceType.CUDA;
        set_num_threads(1);  // no OpenMP spinning: CPU time is then the work itself on a shared machine
        var transformer = ShapesV1Sizes.Transformer;
        manual_seed(0);
        var config = new LatentGeneratorConfig { Transformer = transformer, SemanticDim = 8, WindowFrames = windowed ? WindowFrames : null };
        using var model = new LatentGenerator(config, device);
        model.eval();
        var semanticGrid = new WanTokenGrid(4 * shots, 4, 4);
        var generator = new torch.Generator(1).manual_seed(1);
        using var latents = randn([1, transformer.InChannels, 13 * shots, 8, 8], generator: generator).to(device);
        using var zSem = randn([1, semanticGrid.Tokens, 8], generator: generator).to(device);
        using var text = randn([1, TextTokens, transformer.TextDim], generator: generator).to(device);
        using var timestep = full([1], 500.0f, device: device);
        using var shotText = randn([1, ShotTextTokens * shots, transformer.TextDim], generator: generator).to(device);
        var segments = CrossAttentionSegments.Uniform(shots, 64, ShotTextTokens);
        using var semanticModel = mode == "long-semantic" ? new SemanticGenerator(transformer, 8, device) : null;
        semanticModel?.eval();
        var view = new WindowedLatentView(model, WindowFrames);
        Action forward = mode switch
        {
            "long-semantic" => () => SemanticForward(semanticModel!.Transformer, zSem, semanticGrid, timestep, shotText, segments).Dispose(),
            "long-latent" => () => view.forward(latents, timestep, shotText, zSem, semanticGrid, shots).Dispose(),
            _ => () => model.forward(latents, timestep, text, zSem, semanticGrid).Dispose(),
        };
        var before = PeakMemory.CurrentMiB();
        PeakMemory.Reset();
        var (ms, cpuMs) = Time(steps, cuda, forward);
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ROW {ms} {cpuMs} {PeakMemory.ResidentMiB()} {before}"));
        return 0;
    }

    /// <summary>Stage 1 as <see cref="LongVideoSampler.SampleSemantics"/> runs it: (1, S·64, 8) tokens, full self-attention, per-shot text.</summary>
    private static Tensor SemanticForward(WanTransformer3DModel transformer, Tensor zSem, WanTokenGrid grid, Tensor timestep, Tensor text, CrossAttentionSegments segments)
    {
        using var scope = NewDisposeScope();
        var latents = zSem.transpose(1, 2).reshape(1, zSem.shape[2], grid.Frames, grid.Height, grid.Width); // (1, d, S·Ts, Hs, Ws)
        var (tokens, tokenGrid) = transformer.Patchify(latents);                                             // (1, S·N, D)
        var (cos, sin) = transformer.Rope.ForGrid(tokenGrid.Frames, tokenGrid.Height, tokenGrid.Width, tokens.device);
        var (temb, modulation, textTokens) = transformer.Condition(timestep, text);
        tokens = transformer.Blocks(tokens, textTokens, modulation, cos, sin, null, segments);                // (1, S·N, D)
        return transformer.Unpatchify(transformer.Head(tokens, temb), tokenGrid).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Median wall ms and median process CPU ms per forward over <paramref name="steps"/> after one warm-up (the median
    /// resists a busy, shared machine).
    /// </summary>
    private static (double Wall, double Cpu) Time(int steps, bool cuda, Action forward)
    {
        using var noGrad = no_grad();
        forward();
        var (times, cpu) = (new List<double>(), new List<double>());
        using var self = Process.GetCurrentProcess();
        for (var i = 0; i < steps; i++)
        {
            using var scope = NewDisposeScope();
            if (cuda) torch.cuda.synchronize();
            self.Refresh();
            var cpuStart = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            forward();
            if (cuda) torch.cuda.synchronize();
            times.Add(clock.Elapsed.TotalMilliseconds);
            self.Refresh();
            cpu.Add((self.TotalProcessorTime - cpuStart).TotalMilliseconds);
        }
        return (Median(times), Median(cpu));
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var n = values.Count;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
}
