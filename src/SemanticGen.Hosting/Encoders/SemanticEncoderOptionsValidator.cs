using Microsoft.Extensions.Options;
using SemanticGen.Abstractions.Encoders;

namespace SemanticGen.Hosting.Encoders;

/// <summary>
/// Start-up checks of the "SemanticEncoder" section: the type names a registered plugin (the error lists them all),
/// the weights path exists when given, device and dtype are ones the encoders understand.
/// </summary>
internal sealed class SemanticEncoderOptionsValidator(IEnumerable<ISemanticEncoderFactory> factories) : IValidateOptions<SemanticEncoderOptions>
{
    private static readonly string[] Dtypes = ["float32", "bfloat16", "float16"];

    public ValidateOptionsResult Validate(string? name, SemanticEncoderOptions options)
    {
        var known = factories.Select(factory => factory.Key).Order(StringComparer.Ordinal).ToList();
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Type))
            problems.Add($"{SemanticEncoderOptions.Section}:Type is missing; registered encoders: {string.Join(", ", known)}");
        else if (!known.Contains(options.Type, StringComparer.Ordinal))
            problems.Add($"{SemanticEncoderOptions.Section}:Type '{options.Type}' is not a registered encoder; registered encoders: {string.Join(", ", known)}");
        if (!string.IsNullOrEmpty(options.Weights) && !File.Exists(options.Weights) && !Directory.Exists(options.Weights))
            problems.Add($"{SemanticEncoderOptions.Section}:Weights '{options.Weights}' does not exist");
        if (!string.IsNullOrEmpty(options.Config) && !File.Exists(options.Config))
            problems.Add($"{SemanticEncoderOptions.Section}:Config '{options.Config}' does not exist");
        if (!Dtypes.Contains(options.Dtype, StringComparer.Ordinal))
            problems.Add($"{SemanticEncoderOptions.Section}:Dtype '{options.Dtype}' is not one of {string.Join(", ", Dtypes)}");
        if (options.Device != "cpu" && !options.Device.StartsWith("cuda", StringComparison.Ordinal))
            problems.Add($"{SemanticEncoderOptions.Section}:Device '{options.Device}' is not 'cpu' or 'cuda[:N]'");
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
