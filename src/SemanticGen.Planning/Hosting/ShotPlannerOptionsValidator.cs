using System.Globalization;
using Microsoft.Extensions.Options;

namespace SemanticGen.Planning;

/// <summary>
/// Start-up checks of the "Planner" section. Every message names the key (e.g. "Planner:Endpoint") and, where a key is
/// missing, lists the keys the section takes.
/// </summary>
public sealed class ShotPlannerOptionsValidator : IValidateOptions<ShotPlannerOptions>
{
    private const string S = ShotPlannerOptions.Section;
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromHours(1);

    /// <summary>The keys of the section, for error messages.</summary>
    public static string Keys { get; } =
        $"{S}:Kind ({string.Join("|", ShotPlannerKinds.All)}), {S}:Endpoint, {S}:Model, {S}:ApiKey (optional), {S}:Timeout (hh:mm:ss), " +
        $"{S}:MaxAttempts, {S}:ResponseFormat ({string.Join("|", ShotPlannerResponseFormats.All)}), {S}:MaxShots, {S}:MaxShotSeconds, " +
        $"{S}:MaxTotalSeconds, {S}:ShotSeconds";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ShotPlannerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = new List<string>();
        var kind = ShotPlannerKinds.All.FirstOrDefault(known => string.Equals(known, options.Kind, StringComparison.OrdinalIgnoreCase));
        if (kind is null)
            problems.Add($"{S}:Kind '{options.Kind}' is not one of {string.Join(", ", ShotPlannerKinds.All)}");
        if (kind == ShotPlannerKinds.OpenAI)
        {
            if (string.IsNullOrWhiteSpace(options.Endpoint))
                problems.Add($"{S}:Endpoint is missing; {S}:Kind OpenAI needs the server's base URL, e.g. http://localhost:11434/v1");
            else if (!Uri.TryCreate(options.Endpoint, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                problems.Add($"{S}:Endpoint '{options.Endpoint}' is not an absolute http(s) URL");
            if (string.IsNullOrWhiteSpace(options.Model))
                problems.Add($"{S}:Model is missing; {S}:Kind OpenAI needs the model id the server knows, e.g. qwen2.5:7b-instruct");
        }

        if (options.Timeout <= TimeSpan.Zero)
            problems.Add($"{S}:Timeout {options.Timeout} must be positive (hh:mm:ss, e.g. 00:02:00)");
        else if (options.Timeout > MaxTimeout)
            problems.Add($"{S}:Timeout {options.Timeout} is longer than 1 hour; write it as hh:mm:ss, e.g. 00:02:00 (a bare '120' means 120 days)");
        if (options.MaxAttempts is < 1 or > 10)
            problems.Add($"{S}:MaxAttempts {options.MaxAttempts} must be 1 to 10");
        if (!ShotPlannerResponseFormats.All.Contains(options.ResponseFormat, StringComparer.OrdinalIgnoreCase))
            problems.Add($"{S}:ResponseFormat '{options.ResponseFormat}' is not one of {string.Join(", ", ShotPlannerResponseFormats.All)}");
        if (options.MaxShots < 1)
            problems.Add($"{S}:MaxShots {options.MaxShots} must be at least 1");
        Positive(problems, "MaxShotSeconds", options.MaxShotSeconds);
        Positive(problems, "MaxTotalSeconds", options.MaxTotalSeconds);
        Positive(problems, "ShotSeconds", options.ShotSeconds);
        if (options.ShotSeconds > options.MaxShotSeconds)
            problems.Add($"{S}:ShotSeconds {Format(options.ShotSeconds)} exceeds {S}:MaxShotSeconds {Format(options.MaxShotSeconds)}");

        return problems.Count == 0
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(problems.Append($"the {S} section takes: {Keys}"));
    }

    private static void Positive(List<string> problems, string key, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
            problems.Add($"{S}:{key} {Format(value)} must be a positive number of seconds");
    }

    private static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
