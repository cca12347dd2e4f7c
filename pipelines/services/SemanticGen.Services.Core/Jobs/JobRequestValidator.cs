using SemanticGen.Services.Core.Artifacts;

namespace SemanticGen.Services.Core.Jobs;

/// <summary>
/// Checks a <see cref="JobRequest"/> before it is stored: every problem is reported against its JSON field name, the way
/// <c>ValidationProblem</c> (ProblemDetails 400) shows them.
/// </summary>
public static class JobRequestValidator
{
    /// <summary>Longest prompt or outline accepted, in characters.</summary>
    public const int MaxTextLength = 8_000;

    /// <summary>Problems by field (empty when the request is valid).</summary>
    public static IDictionary<string, string[]> Validate(JobRequest? request, ArtifactRoot root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            errors["body"] = ["the request body is missing."];
            return errors;
        }

        if (!Enum.IsDefined(request.Kind))
            errors["kind"] = [$"unknown job kind {(int)request.Kind}; expected text-to-video, long-video or caption-folder."];
        switch (request.Kind)
        {
            case JobKind.TextToVideo:
                CheckTextToVideo(request, root, errors);
                break;
            case JobKind.LongVideo:
                CheckText(request.Outline, "outline", errors);
                break;
            case JobKind.CaptionFolder:
                CheckFolder(request.Folder, root, errors);
                break;
        }

        return errors;
    }

    private static void CheckTextToVideo(JobRequest request, ArtifactRoot root, Dictionary<string, string[]> errors)
    {
        if (request.Prompt is null && request.Video is null)
            errors["prompt"] = ["give a prompt, or a video to caption into one."];
        if (request.Prompt is not null)
            CheckText(request.Prompt, "prompt", errors);
        if (request.Prompt is null && request.Video is not null)
            CheckFile(request.Video, "video", root, errors);
        if (request.Steps is < 1 or > 1000)
            errors["steps"] = [$"steps must be within 1–1000, found {request.Steps}."];
        if (request.Guidance is { } w && (!double.IsFinite(w) || w < 0 || w > 50))
            errors["guidance"] = [$"guidance must be within 0–50, found {w}."];
    }

    private static void CheckText(string? text, string field, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            errors[field] = [$"{field} is empty."];
        else if (text.Length > MaxTextLength)
            errors[field] = [$"{field} has {text.Length} characters; at most {MaxTextLength} are accepted."];
    }

    private static void CheckFile(string path, string field, ArtifactRoot root, Dictionary<string, string[]> errors)
    {
        try
        {
            var full = root.Resolve(path, field);
            if (!File.Exists(full))
                errors[field] = [$"{field} '{path}' does not exist."];
        }
        catch (ArtifactPathException error)
        {
            errors[field] = [error.Message];
        }
    }

    private static void CheckFolder(string? folder, ArtifactRoot root, Dictionary<string, string[]> errors)
    {
        try
        {
            var full = root.Resolve(folder, "folder");
            if (!Directory.Exists(full))
                errors["folder"] = [$"folder '{folder}' does not exist."];
        }
        catch (ArtifactPathException error)
        {
            errors["folder"] = [error.Message];
        }
    }
}
