using SemanticGen.Abstractions.Generation;

namespace SemanticGen.Services.Core.Stages;

/// <summary>Body of <c>POST /caption</c> on the captioning service.</summary>
/// <param name="VideoPath">A video under the artifact root.</param>
public sealed record CaptionCall(string VideoPath);

/// <summary>Reply of <c>POST /caption</c>.</summary>
/// <param name="Caption">The caption.</param>
public sealed record CaptionReply(string Caption);

/// <summary>Body of <c>POST /semantics</c> on the semantic-generation service.</summary>
/// <param name="Request">Prompt, seed, steps, guidance.</param>
/// <param name="ArtifactPath">Where the z_sem safetensors goes, under the artifact root.</param>
public sealed record SemanticsCall(GenerationRequest Request, string ArtifactPath);

/// <summary>Body of <c>POST /render</c> on the latent-generation service.</summary>
/// <param name="Semantics">The z_sem artifact (by reference).</param>
/// <param name="Request">Steps and guidance of stage 2.</param>
/// <param name="OutputPath">Where the mp4 goes, under the artifact root.</param>
public sealed record RenderCall(SemanticArtifact Semantics, GenerationRequest Request, string OutputPath);
