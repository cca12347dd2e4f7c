using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Hosting.Encoders;
using SemanticGen.Media;

namespace SemanticGen.Cli;

/// <summary>The CLI's composition root: the services its commands resolve.</summary>
internal static class CliServices
{
    public static ServiceProvider Build() => Compose(new ServiceCollection());

    /// <summary>Services plus the encoder plugins and the one encoder <paramref name="settings"/> select (validated now).</summary>
    public static ServiceProvider BuildWithEncoder(SemanticEncoderSettings settings)
    {
        var provider = Compose(new ServiceCollection().AddSemanticGenEncoders().AddSemanticEncoder(options =>
        {
            options.Type = settings.Type;
            options.Weights = settings.Weights;
            options.Config = settings.Config;
            options.Preset = settings.Preset;
            options.Device = settings.Device;
            options.Dtype = settings.Dtype;
        }));
        try
        {
            _ = provider.GetRequiredService<IOptions<SemanticEncoderOptions>>().Value;  // validate before any work starts
            return provider;
        }
        catch
        {
            provider.Dispose();
            throw;
        }
    }

    private static ServiceProvider Compose(IServiceCollection services) =>
        services.AddSemanticGenMedia().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
}
