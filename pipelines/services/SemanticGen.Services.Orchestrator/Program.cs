using SemanticGen.Services.Core.Composition;
using SemanticGen.Services.Orchestrator;

// Orchestration:Mode = Embedded runs the real pipeline from Pipeline:Folder (default models/shapes-v1, checked at start)
// in this process; Dapr calls the stage services through the sidecar and needs no pipeline here.
await OrchestratorService.Build(args, PipelineStages.Register).RunAsync();
