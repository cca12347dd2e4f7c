using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace SemanticGen.Services.Core.Composition;

/// <summary>
/// Registers generator stages (<see cref="SemanticGen.Abstractions.Generation.ISemanticStage"/>,
/// <see cref="SemanticGen.Abstractions.Generation.ILatentStage"/>) from an assembly named in configuration
/// (<c>Stages:Module</c> = path of the .dll, <c>Stages:ModuleType</c> = full type name), for hosts that do not reference
/// the pipeline at compile time.
/// </summary>
public interface IStageModule
{
    /// <summary>Adds the module's stages to <paramref name="services"/>.</summary>
    void Register(IServiceCollection services, IConfiguration configuration);
}
