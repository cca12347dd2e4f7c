namespace SemanticGen.Planning;

/// <summary>The values of <see cref="ShotPlannerOptions.Kind"/>.</summary>
public static class ShotPlannerKinds
{
    /// <summary>The deterministic offline planner (no model).</summary>
    public const string Offline = "Offline";

    /// <summary>A chat model behind an OpenAI-compatible endpoint.</summary>
    public const string OpenAI = "OpenAI";

    /// <summary>Both kinds, as configuration spells them.</summary>
    public static IReadOnlyList<string> All { get; } = [Offline, OpenAI];
}
