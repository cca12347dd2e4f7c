using SemanticGen.Abstractions.Encoders;
using Spectre.Console;

namespace SemanticGen.Cli.Commands;

/// <summary>Prints a <see cref="ParityReport"/>: a table of max absolute errors, then one plain verdict line.</summary>
internal static class ParityTable
{
    public static void Write(ParityReport report)
    {
        var table = new Table().AddColumn("output").AddColumn(new TableColumn("max abs error").RightAligned()).AddColumn("tolerance").AddColumn("");
        foreach (var measure in report.Measures)
            table.AddRow(Markup.Escape(measure.Name), $"{measure.MaxAbsError:0.00e+00}", $"{measure.Tolerance:0e+00}", measure.Passed ? "[green]ok[/]" : "[red]FAIL[/]");
        AnsiConsole.Write(table);
        Console.Out.WriteLine($"{report.Encoder} parity on {report.Fixture}: {(report.Passed ? "passed" : "FAILED")}");
    }
}
