using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Services.Core.Composition;

namespace SemanticGen.Services.Tests;

/// <summary>TEST DOUBLE stage module: registers <see cref="GroundTruthShapesStagesTestDouble"/> (loaded by separate service processes via Stages:Module).</summary>
public sealed class GroundTruthStagesModuleTestDouble : IStageModule
{
    public void Register(IServiceCollection services, IConfiguration configuration)
    {
        var stages = new GroundTruthShapesStagesTestDouble();
        services.AddSingleton(stages);
        services.AddSingleton<ISemanticStage>(stages);
        services.AddSingleton<ILatentStage>(stages);
    }

    /// <summary>Registers <paramref name="stages"/> as both stages (in-process hosts).</summary>
    public static Action<IServiceCollection, IConfiguration> With(GroundTruthShapesStagesTestDouble stages) => (services, _) =>
    {
        services.AddSingleton<ISemanticStage>(stages);
        services.AddSingleton<ILatentStage>(stages);
    };
}
