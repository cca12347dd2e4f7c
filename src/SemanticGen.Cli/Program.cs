using SemanticGen.Cli;

return await SemanticGenCommand.RunAsync(args);
