using SemanticGen.Abstractions.Media;
using SemanticGen.Data.Captioned;
using SemanticGen.Weights;
using Spectre.Console;

namespace SemanticGen.Cli;

/// <summary>
/// Turns the failures a user can cause (bad files, bad arguments) into one clear line on stderr and exit code 2;
/// anything else is a defect and keeps its stack trace.
/// </summary>
internal static class CliFailure
{
    public const int UsageOrInput = 2;

    public static async Task<int> Guard(Func<Task<int>> action)
    {
        try
        {
            return await action().ConfigureAwait(false);
        }
        catch (Exception error) when (IsUserError(error))
        {
            WriteError(error.Message);
            return UsageOrInput;
        }
        catch (OperationCanceledException)
        {
            WriteError("cancelled");
            return 130;
        }
    }

    public static void WriteError(string message) =>
        Console.Error.WriteLine($"error: {message}");

    public static void WriteWarning(string message) =>
        AnsiConsole.Console.MarkupLine($"[yellow]warning:[/] {Markup.Escape(message)}");

    private static bool IsUserError(Exception error) => error is
        VideoFormatException or DatasetFormatException or SafetensorsFormatException or WeightLoadException
        or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException
        or CliUsageException or Microsoft.Extensions.Options.OptionsValidationException or SemanticGen.Models.Runtime.TorchRuntimeException;
}

/// <summary>A command line that names something unusable (a missing folder, a clash with existing output).</summary>
internal sealed class CliUsageException(string message) : Exception(message);
