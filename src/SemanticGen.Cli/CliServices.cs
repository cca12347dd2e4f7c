using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Media;

namespace SemanticGen.Cli;

/// <summary>The CLI's composition root: the services its commands resolve.</summary>
internal static class CliServices
{
    public static ServiceProvider Build() =>
        new ServiceCollection()
            .AddSemanticGenMedia()
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
