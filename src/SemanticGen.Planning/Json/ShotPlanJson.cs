using System.Text.Json;

namespace SemanticGen.Planning;

/// <summary>
/// The JSON form of a <see cref="ShotPlan"/> (what <c>generate-long --plan-only</c> prints and what a chat model must
/// reply), e.g. <c>{"shots":[{"prompt":"a red circle moves right on a gray background","durationSeconds":2.0416666666666665,
/// "continuity":{"subject":"red circle","background":"gray","notes":null}}]}</c>. Parsing is strict: exactly the
/// members of <see cref="Schema"/>, all present, no extra ones, no comments, no trailing text.
/// </summary>
public static class ShotPlanJson
{
    /// <summary>
    /// The published JSON Schema of a plan, in the subset OpenAI structured output accepts in strict mode (every
    /// property required, no additional properties, nullable as <c>["string","null"]</c>). Limits (shot count,
    /// durations) are not in the schema; <see cref="ShotPlanValidator"/> checks them.
    /// </summary>
    public const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "shots": {
              "type": "array",
              "description": "The shots in playback order, one clip each.",
              "items": {
                "type": "object",
                "properties": {
                  "prompt": { "type": "string", "description": "Self-contained text of this shot: subject, what it does, setting." },
                  "durationSeconds": { "type": "number", "description": "Length of the shot in seconds, greater than 0." },
                  "continuity": {
                    "type": "object",
                    "description": "What persists from shot to shot.",
                    "properties": {
                      "subject": { "type": ["string", "null"], "description": "The subject that persists, or null." },
                      "background": { "type": ["string", "null"], "description": "The background or setting that persists, or null." },
                      "notes": { "type": ["string", "null"], "description": "Other continuity notes, or null." }
                    },
                    "required": ["subject", "background", "notes"],
                    "additionalProperties": false
                  }
                },
                "required": ["prompt", "durationSeconds", "continuity"],
                "additionalProperties": false
              }
            }
          },
          "required": ["shots"],
          "additionalProperties": false
        }
        """;

    /// <summary>The plan as indented JSON matching <see cref="Schema"/>.</summary>
    public static string Serialize(ShotPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return JsonSerializer.Serialize(plan, ShotPlanJsonContext.Default.ShotPlan);
    }

    /// <summary>
    /// Parses <paramref name="json"/> strictly (no limits checked). Throws <see cref="InvalidShotPlanException"/> whose
    /// error names the JSON path, e.g. "JSON at $.shots[0]: ... 'duration' could not be mapped ...".
    /// </summary>
    public static ShotPlan Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ShotPlan? plan;
        try
        {
            plan = JsonSerializer.Deserialize(json, ShotPlanJsonContext.Default.ShotPlan);
        }
        catch (JsonException error)
        {
            var where = error.Path is { Length: > 0 } path ? $" at {path}" : "";
            throw new InvalidShotPlanException([$"not a shot plan matching the schema (JSON{where}): {error.Message}"], error);
        }

        return plan ?? throw new InvalidShotPlanException(["not a shot plan: the JSON is 'null', expected an object {\"shots\": [...]}"]);
    }

    /// <summary>Parses strictly, then validates against <paramref name="limits"/>; one exception lists every problem.</summary>
    public static ShotPlan ParseValid(string json, ShotPlanLimits? limits = null) =>
        ShotPlanValidator.EnsureValid(Parse(json), limits);
}
