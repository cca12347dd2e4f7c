namespace SemanticGen.Services.Core;

/// <summary>
/// Dapr app ids, component names, topics and invoked methods, defined once: <c>deploy/</c> must use the same strings
/// (a test parses every YAML there and checks it against these constants).
/// </summary>
public static class DaprNames
{
    /// <summary>App id of the captioning service.</summary>
    public const string CaptioningAppId = "captioning";

    /// <summary>App id of the semantic-generation service (stage 1).</summary>
    public const string SemanticGenerationAppId = "semantic-generation";

    /// <summary>App id of the latent-generation service (stage 2 + decode; the GPU one).</summary>
    public const string LatentGenerationAppId = "latent-generation";

    /// <summary>App id of the orchestrator / public job API.</summary>
    public const string OrchestratorAppId = "orchestrator";

    /// <summary>State store component (job status; also the workflow actor state store).</summary>
    public const string StateStore = "jobstate";

    /// <summary>Pub/sub component for the job events.</summary>
    public const string PubSub = "jobevents";

    /// <summary>Resiliency policy name applied to calls into the stage services.</summary>
    public const string ResiliencyPolicy = "stage-calls";

    /// <summary>Every app id, in pipeline order.</summary>
    public static IReadOnlyList<string> AppIds { get; } =
        [CaptioningAppId, SemanticGenerationAppId, LatentGenerationAppId, OrchestratorAppId];

    /// <summary>Every component name.</summary>
    public static IReadOnlyList<string> Components { get; } = [StateStore, PubSub];

    /// <summary>Methods (HTTP routes) the stage services expose for service invocation.</summary>
    public static class Methods
    {
        /// <summary>Captioning: video path → caption.</summary>
        public const string Caption = "caption";

        /// <summary>Semantic generation: request + artifact path → z_sem artifact.</summary>
        public const string Semantics = "semantics";

        /// <summary>Latent generation: z_sem artifact + request + output path → video.</summary>
        public const string Render = "render";
    }

    /// <summary>Pub/sub topics, one per past-tense event.</summary>
    public static class Topics
    {
        /// <summary>A job was accepted.</summary>
        public const string JobAccepted = "job-accepted";

        /// <summary>A job's z_sem artifact was written.</summary>
        public const string SemanticsGenerated = "semantics-generated";

        /// <summary>A job's video was written.</summary>
        public const string VideoRendered = "video-rendered";

        /// <summary>A job failed.</summary>
        public const string JobFailed = "job-failed";
    }
}
