using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.LatentGeneration;

// The real pipeline from Pipeline:Folder (default models/shapes-v1), checked at start.
await LatentGenerationService.Build(args, PipelineStages.Register).RunAsync();
