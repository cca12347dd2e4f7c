using System.Globalization;
using System.CommandLine;
using System.Diagnostics;
using SemanticGen.Abstractions.Media;
using SemanticGen.Diffusion;
using SemanticGen.Media;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench pipeline`: the speed of a pipeline's models at their own sizes on this machine — training step time and
/// tokens/s of both generators (AdamW steps on random data of the training shapes), sampling ms per Euler step (with
/// guidance: two forwards), end-to-end time of one clip (both stages, decode, mp4), peak RSS, and
/// RSS at 10, 25, 50, 75 and 100 % of <c>--leak-steps</c> stage-1 training steps (memory must level off, not keep growing).
/// </summary>
internal static class BenchPipelineCommand
{
    public static Command Build()
    {
        var pipeline = new Option<DirectoryInfo>("--pipeline") { Description = "Pipeline folder.", DefaultValueFactory = _ => new DirectoryInfo(GenerateCommand.DefaultPipelineFolder()) };
        var trainSteps = new Option<int>("--train-steps") { Description = "Timed training steps per generator (after 2 warm-up steps).", DefaultValueFactory = _ => 20 };
        var leakSteps = new Option<int>("--leak-steps") { Description = "Stage-1 training steps of the memory-growth check.", DefaultValueFactory = _ => 1000 };
        var command = new Command("pipeline", "Time a pipeline: training steps, sampling steps, one generated clip, memory over a long run.")
        {
            pipeline, trainSteps, leakSteps,
        };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() =>
            RunAsync(parse.GetValue(pipeline)!.FullName, parse.GetValue(trainSteps), parse.GetValue(leakSteps), cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(string folder, int trainSteps, int leakSteps, CancellationToken cancellation)
    {
        if (trainSteps < 1) throw new CliUsageException($"--train-steps must be at least 1, found {trainSteps}.");
        if (leakSteps < 10) throw new CliUsageException($"--leak-steps must be at least 10, found {leakSteps}.");
        PeakMemory.Reset();
        using var components = PipelineComponents.Load(folder);
        var manifest = components.Manifest;
        var table = new Table().AddColumn("measure").AddColumn("value");
        var grid = manifest.SemanticGrid;
        var video = manifest.Video;
        long vaeTokens = (long)video.LatentFrames * (video.Height / 16) * (video.Width / 16);

        // 1. Training steps (random data of the training shapes; the recipe's batch sizes).
        var stage2 = TimeTraining(components.LatentGenerator, 8, trainSteps, batch => LatentLoss(components, batch), cancellation);
        table.AddRow("stage-2 training step (batch 8)", $"{stage2 * 1000:0.0} ms, {8 * (vaeTokens + grid.Count) / stage2:0} tokens/s");
        var stage1 = TimeTraining(components.SemanticGenerator, 16, trainSteps, batch => SemanticLoss(components, batch), cancellation);
        table.AddRow("stage-1 training step (batch 16)", $"{stage1 * 1000:0.0} ms, {16 * grid.Count / stage1:0} tokens/s");

        // 2. Sampling: one Euler step of each stage with guidance (two forwards), and one clip end to end.
        var (semanticStep, latentStep, decode) = TimeSampling(components);
        table.AddRow("stage-1 sampling step (CFG)", $"{semanticStep * 1000:0.0} ms");
        table.AddRow("stage-2 sampling step (CFG)", $"{latentStep * 1000:0.0} ms");
        table.AddRow("VAE decode (one clip)", $"{decode * 1000:0} ms");
        using var temp = new TempOutput();
        var clock = Stopwatch.StartNew();
        using (var frames = InProcessGeneration.Frames(components, "a red circle moves right on a gray background", 0, manifest.Sampling.Steps, manifest.Sampling.Guidance))
        {
            await new FfmpegVideoWriter(new MediaOptions()).WriteAsync(temp.Path, frames, new VideoWriteRequest(video.Fps), cancellation).ConfigureAwait(false);
        }
        table.AddRow($"generate one clip ({manifest.Sampling.Steps} steps, {video.Frames} frames, mp4 + sheet)", $"{clock.Elapsed.TotalSeconds:0.00} s");

        // 3. Memory over a long run (stage 1, the cheaper generator).
        var memory = MemoryOverSteps(components, leakSteps, cancellation);
        var (early, half, late) = (memory[0].MiB, memory[memory.Count / 2].MiB, memory[^1].MiB);
        table.AddRow($"RSS after {string.Join(" / ", memory.Select(m => m.Step))} training steps",
            $"{string.Join(" / ", memory.Select(m => m.MiB.ToString("0", CultureInfo.InvariantCulture)))} MiB ({Signed(late - early)} MiB from {memory[0].Step}, {Signed(late - half)} MiB from {memory[memory.Count / 2].Step})");
        table.AddRow("peak RSS", $"{PeakMemory.ResidentMiB():0} MiB");
        table.AddRow("threads", $"{torch.get_num_threads()}");
        AnsiConsole.Write(table);
        return 0;
    }

    /// <summary>Whole MiB with a sign: "+14", "-3", "0" (never "-0").</summary>
    private static string Signed(double mib) => (Math.Round(mib) + 0.0).ToString("+0;-0;0", CultureInfo.InvariantCulture);

    private static Tensor LatentLoss(PipelineComponents components, int batch)
    {
        var m = components.Manifest;
        var grid = m.SemanticGrid;
        using var scope = NewDisposeScope();
        var x0 = randn([batch, m.Vae.ZDim, m.Video.LatentFrames, m.Video.Height / 8, m.Video.Width / 8]);
        var features = randn([batch, grid.Count, m.SemanticEncoder.HiddenSize]);
        var text = randn([batch, m.TextLength, m.TextEncoder.DModel]);
        var z = components.Compressor.forward(features);
        var loss = LatentGeneratorLoss.Compute(components.LatentGenerator, x0, randn_like(x0), rand([batch]), text, z, new WanTokenGrid(grid.T, grid.H, grid.W));
        return loss.MoveToOuterDisposeScope();
    }

    private static Tensor SemanticLoss(PipelineComponents components, int batch)
    {
        var m = components.Manifest;
        var grid = m.SemanticGrid;
        using var scope = NewDisposeScope();
        using var scale = 1000.0.ToScalar();
        var x0 = randn([batch, grid.Count, m.Compressor.TokenDim]);
        var noise = randn_like(x0);
        var t = rand([batch]);
        var v = components.SemanticGenerator.forward(RectifiedFlow.Interpolate(x0, noise, t), grid, t.mul(scale), randn([batch, m.TextLength, m.TextEncoder.DModel]));
        return RectifiedFlow.Loss(v, RectifiedFlow.Target(x0, noise)).MoveToOuterDisposeScope();
    }

    /// <summary>Seconds per AdamW step (2 warm-up steps, then <paramref name="steps"/> timed).</summary>
    private static double TimeTraining(nn.Module model, int batch, int steps, Func<int, Tensor> loss, CancellationToken cancellation)
    {
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-5);
        var clock = new Stopwatch();
        for (var i = 0; i < steps + 2; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            if (i == 2) clock.Start();
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            loss(batch).backward();
            optimizer.step();
        }
        model.eval();
        return clock.Elapsed.TotalSeconds / steps;
    }

    private static (double Semantic, double Latent, double Decode) TimeSampling(PipelineComponents components)
    {
        var m = components.Manifest;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var text = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, ["a red circle moves right on a gray background"]);
        var empty = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);
        const int steps = 10;
        var clock = Stopwatch.StartNew();
        var z = GenerationSampler.SampleSemantics(components, text, empty, 0, steps, 3.0, null);
        var semantic = clock.Elapsed.TotalSeconds / steps;
        clock.Restart();
        var latents = GenerationSampler.SampleLatents(components, z, text, empty, 0, steps, 3.0, null);
        var latent = clock.Elapsed.TotalSeconds / steps;
        clock.Restart();
        components.Vae.Decode(components.Vae.Denormalize(latents));
        return (semantic, latent, clock.Elapsed.TotalSeconds);
    }

    /// <summary>
    /// RSS (MiB, after a full GC) at 10, 25, 50, 75 and 100 % of <paramref name="steps"/> stage-1 training steps. A leak
    /// keeps growing between the later samples; allocator warm-up (glibc arenas, libtorch's caches) levels off.
    /// </summary>
    private static IReadOnlyList<(int Step, double MiB)> MemoryOverSteps(PipelineComponents components, int steps, CancellationToken cancellation)
    {
        var model = components.SemanticGenerator;
        model.train();
        using var optimizer = optim.AdamW(model.parameters(), lr: 1e-6);
        var marks = new[] { steps / 10, steps / 4, steps / 2, 3 * steps / 4, steps }.Where(m => m >= 1).Distinct().ToHashSet();
        var samples = new List<(int, double)>();
        for (var i = 1; i <= steps; i++)
        {
            cancellation.ThrowIfCancellationRequested();
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                SemanticLoss(components, 16).backward();
                optimizer.step();
            }
            if (marks.Contains(i))
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                samples.Add((i, PeakMemory.CurrentMiB()));
            }
        }
        model.eval();
        return samples;
    }

    private sealed class TempOutput : IDisposable
    {
        public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"sg-bench-{Guid.NewGuid():N}.mp4");

        public void Dispose()
        {
            File.Delete(Path);
            File.Delete(System.IO.Path.ChangeExtension(Path, ".png"));
        }
    }
}
