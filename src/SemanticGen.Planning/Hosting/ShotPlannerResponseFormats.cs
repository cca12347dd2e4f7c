namespace SemanticGen.Planning;

/// <summary>The values of <see cref="ShotPlannerOptions.ResponseFormat"/>.</summary>
public static class ShotPlannerResponseFormats
{
    /// <summary>Structured output: <c>response_format = { type: json_schema, strict: true }</c>.</summary>
    public const string JsonSchema = "json_schema";

    /// <summary>JSON mode: <c>response_format = { type: json_object }</c>.</summary>
    public const string JsonObject = "json_object";

    /// <summary>No response_format (the prompt alone asks for JSON).</summary>
    public const string None = "none";

    /// <summary>All formats, as configuration spells them.</summary>
    public static IReadOnlyList<string> All { get; } = [JsonSchema, JsonObject, None];
}
