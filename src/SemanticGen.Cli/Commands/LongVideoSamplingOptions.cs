using System.CommandLine;
using SemanticGen.Pipeline.LongVideo;

namespace SemanticGen.Cli.Commands;

/// <summary>
/// The sampling options generate-long and eval-long share: their definitions, the <see cref="LongVideoRequest"/> they
/// give, and its checks by CLI name before anything loads. Where a stage's context is not named, the folder's default
/// (pipeline.json <c>stories.semanticContext</c> / <c>stories.latentContext</c>) applies, else joint sampling.
/// </summary>
internal sealed class LongVideoSamplingOptions
{
    public Option<int?> Steps { get; } = new("--steps") { Description = "Euler steps per generator (default: the pipeline's)." };
    public Option<double?> Guidance { get; } = new("--guidance") { Description = "Classifier-free guidance weight (default: the pipeline's)." };
    public Option<int?> SemanticContext { get; } = new("--semantic-context")
    {
        Description = "Sample stage 1 shot by shot, each shot attending to this many shots before it (default: the folder's, pipeline.json stories.semanticContext; else all shots at once).",
    };
    public Option<int?> LatentContext { get; } = new("--latent-context")
    {
        Description = "Sample stage 2 shot by shot, each shot attending to this many shots before it (default: the folder's, pipeline.json stories.latentContext; else all shots at once with shifted windows).",
    };
    public Option<bool> CleanLatentContext { get; } = new("--clean-latent-context")
    {
        Description = "With --latent-context: the finished shots enter clean instead of re-noised (needs a story latent generator trained with --latent-clean-context).",
    };
    public Option<bool> CleanSemanticContext { get; } = new("--clean-semantic-context")
    {
        Description = "With --semantic-context: the finished shots enter clean instead of re-noised (needs a story semantic generator trained with --semantic-clean-context).",
    };
    public Option<double?> SemanticContextGuidance { get; } = new("--semantic-context-guidance")
    {
        Description = "With stage 1 shot by shot: context guidance λ ≥ 0, which pushes each shot toward what the shots before it imply, at one more forward of the shot alone per step (default: the folder's, pipeline.json stories.semanticContextGuidance, where stage 1 samples as the folder says; else 0).",
    };
    public Option<bool> Joint { get; } = new("--joint")
    {
        Description = "Sample both stages over all shots at once (the paper's method), whatever the folder's default shot-by-shot sampling.",
    };

    /// <summary>Every option, in help order.</summary>
    public IEnumerable<Option> All => [Steps, Guidance, SemanticContext, LatentContext, CleanLatentContext, CleanSemanticContext, SemanticContextGuidance, Joint];

    /// <summary>The request these options give, with <paramref name="seed"/> (each command defines its own seed option).</summary>
    public LongVideoRequest Read(ParseResult parse, long seed) =>
        new(seed, parse.GetValue(Steps), parse.GetValue(Guidance), parse.GetValue(SemanticContext), parse.GetValue(LatentContext),
            parse.GetValue(CleanLatentContext), parse.GetValue(CleanSemanticContext), parse.GetValue(Joint), parse.GetValue(SemanticContextGuidance));

    /// <summary>Refuses, by CLI name, a request these options cannot give a meaning to (before any pipeline loads).</summary>
    public static void Validate(LongVideoRequest request)
    {
        if (request.Steps is < 1) throw new CliUsageException($"--steps must be at least 1, found {request.Steps}.");
        if (request.SemanticContext is < 0) throw new CliUsageException($"--semantic-context must be 0 or more, found {request.SemanticContext}.");
        if (request.LatentContext is < 0) throw new CliUsageException($"--latent-context must be 0 or more, found {request.LatentContext}.");
        if (request.Joint && (request.SemanticContext is not null || request.LatentContext is not null))
            throw new CliUsageException("--joint and --semantic-context / --latent-context exclude each other.");
        if (request.CleanLatentContext && request.LatentContext is null)
            throw new CliUsageException("--clean-latent-context needs --latent-context K (stage 2 shot by shot).");
        if (request.CleanSemanticContext && request.SemanticContext is null)
            throw new CliUsageException("--clean-semantic-context needs --semantic-context K (stage 1 shot by shot).");
        if (request.SemanticContextGuidance is { } lambda && (!(lambda >= 0) || double.IsInfinity(lambda)))
            throw new CliUsageException($"--semantic-context-guidance must be a finite number, 0 or more, found {lambda}.");
        if (request.Joint && request.SemanticContextGuidance is not null)
            throw new CliUsageException("--joint and --semantic-context-guidance exclude each other (context guidance needs stage 1 shot by shot).");
    }

    /// <summary>" [stage 1 shot by shot, context k; …]" when the request samples a stage shot by shot, else empty.</summary>
    public static string RolloutLabel(LongVideoRequest request)
    {
        var parts = new List<string>();
        if (request.SemanticContext is int semantic)
            parts.Add($"stage 1 shot by shot, {(request.CleanSemanticContext ? "clean " : "")}context {semantic}" +
                (request.SemanticContextGuidance is { } lambda and not 0 ? FormattableString.Invariant($", context guidance {lambda:0.###}") : ""));
        if (request.LatentContext is int latent) parts.Add($"stage 2 shot by shot, {(request.CleanLatentContext ? "clean " : "")}context {latent}");
        return parts.Count == 0 ? "" : $" [{string.Join("; ", parts)}]";
    }
}
