using System.CommandLine;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `bench`: with --model, times a model's training and inference steps (<see cref="BenchModelCommand"/>); the
/// subcommands measure the data path (`bench io`) and the encoder plugins (`bench encoders`).
/// </summary>
internal static class BenchCommand
{
    public static Command Build()
    {
        var model = new Option<string?>("--model") { Description = "Model to time: wan-transformer, latent-windows (latent generator scaling with video length)." };
        var preset = new Option<string>("--preset") { Description = "Model size: tiny, 1.3b, 14b.", DefaultValueFactory = _ => "tiny" };
        var frames = new Option<int>("--frames") { Description = "Video frames (4n+1) the token count is computed for.", DefaultValueFactory = _ => 9 };
        var height = new Option<int>("--height") { Description = "Video height in pixels (multiple of 16).", DefaultValueFactory = _ => 64 };
        var width = new Option<int>("--width") { Description = "Video width in pixels (multiple of 16).", DefaultValueFactory = _ => 64 };
        var device = EncoderCliOptions.Device();
        var dtype = new Option<string>("--dtype") { Description = "float32 or bf16.", DefaultValueFactory = _ => "float32" };
        var steps = new Option<int>("--steps") { Description = "Timed steps (after one warm-up).", DefaultValueFactory = _ => 3 };
        var text = new Option<int>("--text-length") { Description = "Text tokens (Wan pads prompts to 512).", DefaultValueFactory = _ => 512 };
        var checkpointing = new Option<bool>("--gradient-checkpointing") { Description = "Recompute each block in the backward pass." };
        var command = new Command("bench", "Measure speed on this machine: --model for a model's steps, or a subcommand.")
        {
            model, preset, frames, height, width, device, dtype, steps, text, checkpointing,
            BenchIoCommand.Build(), BenchEncodersCommand.Build(), BenchPipelineCommand.Build(),
        };
        command.SetAction((parse, _) => CliFailure.Guard(() =>
        {
            var name = parse.GetValue(model) ?? throw new CliUsageException("bench needs --model wan-transformer, or a subcommand: io, encoders, pipeline");
            if (name == "latent-windows") return Task.FromResult(BenchWindowsCommand.Run(parse.GetValue(steps), parse.GetValue(device)!));
            return Task.FromResult(BenchModelCommand.Run(new BenchModelCommand.Request(
                name, parse.GetValue(preset)!, parse.GetValue(frames), parse.GetValue(height), parse.GetValue(width),
                parse.GetValue(device)!, parse.GetValue(dtype)!, parse.GetValue(steps), parse.GetValue(text), parse.GetValue(checkpointing))));
        }));
        return command;
    }
}
