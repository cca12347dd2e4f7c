using SemanticGen.Cli;
using Spectre.Console;

// Redirected output (a pipe, a file, a test) has no console width; Spectre would assume 80 columns and wrap
// table cells mid-name. Give it room so lines stay whole for whoever reads them.
if (Console.IsOutputRedirected)
    AnsiConsole.Profile.Width = 512;

return await SemanticGenCommand.RunAsync(args);
