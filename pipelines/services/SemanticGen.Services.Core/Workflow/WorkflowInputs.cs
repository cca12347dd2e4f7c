using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Core.Workflow;

/// <summary>Input of <see cref="TextToVideoWorkflow"/>: the job id (also the workflow instance id) and its request.</summary>
public sealed record TextToVideoInput(string JobId, JobRequest Request);

/// <summary>Input of <see cref="CaptionActivity"/>.</summary>
public sealed record CaptionActivityInput(string JobId, string VideoPath);

/// <summary>Input of <see cref="SemanticsActivity"/>.</summary>
public sealed record SemanticsActivityInput(string JobId, GenerationRequest Request);

/// <summary>Input of <see cref="RenderActivity"/>.</summary>
public sealed record RenderActivityInput(string JobId, SemanticArtifact Semantics, GenerationRequest Request);

/// <summary>Input of <see cref="CompleteJobActivity"/>: the terminal status with its result or error.</summary>
public sealed record CompleteJobInput(string JobId, JobStatus Status, JobResult? Result, string? Error);
