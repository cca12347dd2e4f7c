namespace SemanticGen.Planning;

/// <summary>
/// The "Planner" configuration section, e.g.
/// <c>{ "Planner": { "Kind": "OpenAI", "Endpoint": "http://localhost:11434/v1", "Model": "qwen2.5:7b", "Timeout": "00:02:00" } }</c>.
/// Mutable for configuration binding; validated at start (<see cref="ShotPlannerOptionsValidator"/>).
/// </summary>
public sealed class ShotPlannerOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Planner";

    /// <summary>"Offline" (default: no model, <see cref="Offline.OfflineShotPlannerPlugin"/>) or "OpenAI" (any OpenAI-compatible chat endpoint).</summary>
    public string Kind { get; set; } = ShotPlannerKinds.Offline;

    /// <summary>
    /// Base URL of the OpenAI-compatible API, the part before <c>/chat/completions</c>: e.g.
    /// <c>http://localhost:11434/v1</c> (Ollama), <c>http://localhost:8080/v1</c> (llama.cpp server),
    /// <c>http://localhost:8000/v1</c> (vLLM), <c>https://api.openai.com/v1</c>. Required for OpenAI.
    /// </summary>
    public string? Endpoint { get; set; }

    /// <summary>The model id the server knows, e.g. "qwen2.5:7b-instruct". Required for OpenAI.</summary>
    public string? Model { get; set; }

    /// <summary>The API key, sent as a bearer token; optional (local servers ignore it).</summary>
    public string? ApiKey { get; set; }

    /// <summary>Request timeout (hh:mm:ss); generous by default because local models on CPU are slow: 2 minutes.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>Replies asked for before giving up; each retry carries the previous reply's error. Default 3.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>
    /// The response format requested from the model: "json_schema" (default: OpenAI structured output with
    /// <see cref="ShotPlanJson.Schema"/>, strict), "json_object" (JSON mode, for servers without json_schema) or "none".
    /// </summary>
    public string ResponseFormat { get; set; } = ShotPlannerResponseFormats.JsonSchema;

    /// <summary>Most shots in a plan (default 64).</summary>
    public int MaxShots { get; set; } = ShotPlanLimits.Default.MaxShots;

    /// <summary>Longest shot in seconds (default 10).</summary>
    public double MaxShotSeconds { get; set; } = ShotPlanLimits.Default.MaxShotSeconds;

    /// <summary>Longest plan in seconds (default 600).</summary>
    public double MaxTotalSeconds { get; set; } = ShotPlanLimits.Default.MaxTotalSeconds;

    /// <summary>Length of a prose shot in seconds (default one Shapes World clip, 49/24 s); Shapes World shots always use 49/24 s.</summary>
    public double ShotSeconds { get; set; } = Offline.OfflineOutlinePlanner.ShapesShotSeconds;

    /// <summary>The plan limits these options describe.</summary>
    public ShotPlanLimits ToLimits() => new(MaxShots, MaxShotSeconds, MaxTotalSeconds);
}
