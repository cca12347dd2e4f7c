using System.CommandLine;
using SemanticGen.Weights;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// `weights inspect`: lists the tensors of a .safetensors file, a sharded checkpoint's index, or a folder holding
/// either (names, dtypes, shapes, sizes) without reading tensor bytes; the header is fully validated on the way.
/// </summary>
internal static class WeightsInspectCommand
{
    public static Command Build()
    {
        var path = new Argument<string>("path") { Description = "A .safetensors file, a *.safetensors.index.json, or a folder holding one." };
        var filter = new Option<string?>("--filter") { Description = "Only tensors whose name contains this text." };
        var command = new Command("inspect", "List the tensors of a safetensors checkpoint (validates the header, reads no tensor data).")
        {
            path, filter,
        };
        command.SetAction((parse, _) => CliFailure.Guard(() => Task.FromResult(Run(parse.GetValue(path)!, parse.GetValue(filter)))));
        return command;
    }

    private static int Run(string path, string? filter)
    {
        using var source = TensorSource.Open(path);
        var table = new Table().AddColumn("tensor").AddColumn("dtype").AddColumn("shape").AddColumn(new TableColumn("bytes").RightAligned());
        long totalBytes = 0, totalElements = 0;
        var shown = 0;
        foreach (var key in source.Keys)
        {
            if (filter is not null && !key.Contains(filter, StringComparison.Ordinal))
                continue;
            var info = source.GetInfo(key);
            table.AddRow(Markup.Escape(key), info.Dtype.ToString(), Markup.Escape(info.ShapeText), $"{info.ByteLength:N0}");
            totalBytes += info.ByteLength;
            totalElements += info.ElementCount;
            shown++;
        }

        AnsiConsole.Write(table);
        // Plain lines (not markup) so scripts can read them whatever the console width.
        Console.Out.WriteLine($"{source.Path}: {shown} of {source.Keys.Count} tensors, {totalElements:N0} elements, {totalBytes:N0} bytes");
        foreach (var (key, value) in source.Metadata)
            Console.Out.WriteLine($"  metadata {key} = {value}");
        return 0;
    }
}
