namespace SemanticGen.Services.Core.Captioning;

/// <summary>Which captioner runs and how to reach its model (configuration section <c>Captioning</c>).</summary>
public sealed class CaptioningOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Captioning";

    /// <summary><c>shapes-world</c> (default, no model) or <c>semantic-kernel</c> (a vision chat model).</summary>
    public string Type { get; set; } = ShapesWorldCaptioner.Key;

    /// <summary>Semantic Kernel: base URL of an OpenAI-compatible server (e.g. http://localhost:11434/v1).</summary>
    public string? Endpoint { get; set; }

    /// <summary>Semantic Kernel: the model id.</summary>
    public string? ModelId { get; set; }

    /// <summary>Semantic Kernel: the API key, when the server wants one.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Semantic Kernel: frames sampled from the video and sent as images (1–16).</summary>
    public int Frames { get; set; } = 4;
}
