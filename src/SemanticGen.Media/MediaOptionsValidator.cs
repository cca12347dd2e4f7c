using Microsoft.Extensions.Options;

namespace SemanticGen.Media;

/// <summary>Lets the options system reject bad <see cref="MediaOptions"/> when they are first used (or at host start).</summary>
internal sealed class MediaOptionsValidator : IValidateOptions<MediaOptions>
{
    public ValidateOptionsResult Validate(string? name, MediaOptions options)
    {
        var problems = options.Problems();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
