using System.CommandLine;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Weights;
using Spectre.Console;
using TorchSharp;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench io`: throughput of the foundation on this machine — Shapes World rendering and scoring, mp4 encoding and
/// decoding through ffmpeg, and safetensors writing, full reading and lazy single-tensor reading.
/// </summary>
internal static class BenchIoCommand
{
    public static Command Build()
    {
        var clips = new Option<int>("--clips") { Description = "Shapes World clips per stage.", DefaultValueFactory = _ => 24 };
        var megabytes = new Option<int>("--megabytes") { Description = "Size of the safetensors test file in MiB.", DefaultValueFactory = _ => 256 };
        var command = new Command("io", "Measure rendering, scoring, mp4 write/decode and safetensors read/write throughput.") { clips, megabytes };
        command.SetAction((parse, cancellation) => CliFailure.Guard(() => RunAsync(parse.GetValue(clips), parse.GetValue(megabytes), cancellation)));
        return command;
    }

    private static async Task<int> RunAsync(int clipCount, int megabytes, CancellationToken cancellation)
    {
        if (clipCount < 1 || megabytes < 1)
            throw new ArgumentException($"--clips and --megabytes must be positive, found {clipCount} and {megabytes}");
        var folder = Directory.CreateTempSubdirectory("sg-bench-io-");
        var table = new Table().AddColumn("stage").AddColumn(new TableColumn("per item").RightAligned()).AddColumn(new TableColumn("throughput").RightAligned());
        try
        {
            await using var services = CliServices.Build();
            var source = new ShapesClipSource(seed: 1, ShapesSplitKind.Train);
            var clips = source.Take(clipCount).ToList();
            var frames = source.Options.Frames;
            var scorer = new ShapesScorer();

            // Warm-up: the first clip pays for JIT and libtorch initialisation; it is not counted.
            using (var warm = source.Render(clips[0]))
                scorer.Score(warm, clips[0].Composition);

            var rendered = new List<torch.Tensor>(clipCount);
            var render = Time(() => { foreach (var clip in clips) rendered.Add(source.Render(clip)); });
            AddClipRow(table, "render 64×64×49", render, clipCount, frames);
            var score = Time(() => { for (var i = 0; i < clipCount; i++) scorer.Score(rendered[i], clips[i].Composition); });
            AddClipRow(table, "score (pixel analysis)", score, clipCount, frames);

            var writer = services.GetRequiredService<IVideoWriter>();
            var request = new VideoWriteRequest(source.Options.Fps, ContactSheet: false);
            var paths = clips.Select(clip => Path.Combine(folder.FullName, $"clip{clip.Index}.mp4")).ToList();
            var write = await TimeAsync(async () =>
            {
                for (var i = 0; i < clipCount; i++)
                    await writer.WriteAsync(paths[i], rendered[i], request, cancellation).ConfigureAwait(false);
            }).ConfigureAwait(false);
            AddClipRow(table, "mp4 write (H.264 crf 16)", write, clipCount, frames);
            rendered.ForEach(tensor => tensor.Dispose());

            var reader = services.GetRequiredService<IVideoReader>();
            var decode = await TimeAsync(async () =>
            {
                foreach (var path in paths)
                    (await reader.ReadAllFramesAsync(path, new FrameReadRequest(), cancellation).ConfigureAwait(false)).Dispose();
            }).ConfigureAwait(false);
            AddClipRow(table, "mp4 decode", decode, clipCount, frames);

            AddSafetensorsRows(table, Path.Combine(folder.FullName, "bench.safetensors"), megabytes);
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        AnsiConsole.Write(table);
        return 0;
    }

    private static void AddSafetensorsRows(Table table, string path, int megabytes)
    {
        var elements = megabytes * (1L << 20) / sizeof(float);
        using (var big = torch.randn(elements))
        using (var small = torch.randn(16, 16))
        {
            var write = Time(() => SafetensorsWriter.Write(path, [("big", big), ("small", small)]));
            table.AddRow("safetensors write", $"{write.TotalMilliseconds:0} ms", $"{megabytes / write.TotalSeconds:0} MiB/s");
        }

        using var file = SafetensorsFile.Open(path);
        var read = Time(() => file.ReadTensor("big").Dispose());
        table.AddRow("safetensors read (whole)", $"{read.TotalMilliseconds:0} ms", $"{megabytes / read.TotalSeconds:0} MiB/s");
        var before = file.BytesRead;
        var lazy = Time(() => file.ReadTensor("small").Dispose());
        table.AddRow("safetensors read (one small tensor)", $"{lazy.TotalMilliseconds:0.00} ms", $"{file.BytesRead - before} bytes read");
    }

    private static void AddClipRow(Table table, string stage, TimeSpan elapsed, int clips, int framesPerClip) =>
        table.AddRow(stage, $"{elapsed.TotalMilliseconds / clips:0.0} ms/clip", $"{clips * framesPerClip / elapsed.TotalSeconds:0} frames/s");

    private static TimeSpan Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed;
    }

    private static async Task<TimeSpan> TimeAsync(Func<Task> action)
    {
        var clock = Stopwatch.StartNew();
        await action().ConfigureAwait(false);
        return clock.Elapsed;
    }
}
