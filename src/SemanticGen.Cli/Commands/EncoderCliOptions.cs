using System.CommandLine;

namespace SemanticGen.Cli.Commands;

/// <summary>The encoder options several commands share, defined once.</summary>
internal static class EncoderCliOptions
{
    public static Option<string> Encoder() =>
        new("--encoder") { Description = "Encoder plugin key: qwen2.5-vl, vjepa2 or videomae2.", Required = true };

    public static Option<string> Device() =>
        new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => "cpu" };

    public static Option<string> Dtype() =>
        new("--dtype") { Description = "float32, bfloat16 or float16.", DefaultValueFactory = _ => "float32" };
}
