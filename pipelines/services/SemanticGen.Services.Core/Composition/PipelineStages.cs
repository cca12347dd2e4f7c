using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Media;
using SemanticGen.Pipeline;

namespace SemanticGen.Services.Core.Composition;

/// <summary>
/// The real pipeline as a service host's stage registration: <c>AddSemanticGenMedia()</c> +
/// <c>AddSemanticGenPipeline(Pipeline:Folder)</c> (registers <see cref="SemanticGen.Abstractions.Generation.ISemanticStage"/>,
/// <see cref="SemanticGen.Abstractions.Generation.ILatentStage"/> and
/// <see cref="SemanticGen.Abstractions.Generation.ITextToVideoPipeline"/>). The folder is checked when the host is built,
/// so a missing or broken pipeline folder is a start-up error naming the key.
/// </summary>
public static class PipelineStages
{
    /// <summary>Configuration key of the pipeline folder.</summary>
    public const string FolderKey = "Pipeline:Folder";

    /// <summary>The folder used when <see cref="FolderKey"/> is not set (relative to the working directory).</summary>
    public const string DefaultFolder = "models/shapes-v1";

    /// <summary>The pipeline folder configured in <paramref name="configuration"/> (full path).</summary>
    public static string Folder(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var folder = configuration[FolderKey];
        return Path.GetFullPath(string.IsNullOrWhiteSpace(folder) ? DefaultFolder : folder);
    }

    /// <summary>Registers the real pipeline from <see cref="FolderKey"/> (default <see cref="DefaultFolder"/>); pass it as a host's stage hook.</summary>
    public static void Register(IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var folder = Folder(configuration);
        try
        {
            services.AddSemanticGenMedia();
            services.AddSemanticGenPipeline(folder);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or ArgumentException)
        {
            throw new InvalidOperationException($"{FolderKey} '{folder}' is not a usable pipeline folder: {error.Message}", error);
        }
    }
}
