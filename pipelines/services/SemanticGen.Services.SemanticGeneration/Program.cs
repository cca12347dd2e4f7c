using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.SemanticGeneration;

// The real pipeline from Pipeline:Folder (default models/shapes-v1), checked at start.
await SemanticGenerationService.Build(args, PipelineStages.Register).RunAsync();
