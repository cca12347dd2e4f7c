using SemanticGen.Pipeline.LongVideo;

namespace SemanticGen.Cli.Commands;

/// <summary>The sampling options generate-long and eval-long share, checked by their CLI names before anything loads.</summary>
internal static class LongVideoOptionChecks
{
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
    }

    /// <summary>" [stage 1 shot by shot, context k; …]" when the request samples a stage shot by shot, else empty.</summary>
    public static string RolloutLabel(LongVideoRequest request)
    {
        var parts = new List<string>();
        if (request.SemanticContext is int semantic) parts.Add($"stage 1 shot by shot, {(request.CleanSemanticContext ? "clean " : "")}context {semantic}");
        if (request.LatentContext is int latent) parts.Add($"stage 2 shot by shot, {(request.CleanLatentContext ? "clean " : "")}context {latent}");
        return parts.Count == 0 ? "" : $" [{string.Join("; ", parts)}]";
    }
}
