namespace SemanticGen.Media;

/// <summary>
/// Limits applied to every file that is read, so that hostile input fails fast with a
/// <see cref="SemanticGen.Abstractions.Media.VideoFormatException"/> naming the limit. Immutable; each value is checked when set
/// (also through <c>with</c>).
/// </summary>
public sealed record MediaLimits
{
    // CancellationTokenSource timers take at most about 49 days; keep well inside.
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(24);

    /// <summary>Largest frame accepted, width × height (default 4096 × 4096). Enforced by ffprobe/ffmpeg's decoders too.</summary>
    public long MaxPixelsPerFrame
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxPixelsPerFrame), value, "must be positive");
    } = 4096L * 4096;

    /// <summary>Longest video accepted (default 2 h); decoding also stops there whatever the header claims.</summary>
    public TimeSpan MaxDuration
    {
        get;
        init => field = Positive(value, nameof(MaxDuration), TimeSpan.MaxValue);
    } = TimeSpan.FromHours(2);

    /// <summary>Longest a probe (ffprobe) may run (default 30 s).</summary>
    public TimeSpan ProbeTimeout
    {
        get;
        init => field = Positive(value, nameof(ProbeTimeout), LongestTimeout);
    } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Longest ffmpeg may spend decoding one read (default 1 h). Only time spent waiting for ffmpeg counts, not the time
    /// the caller holds a chunk, so a slow consumer does not trip it.
    /// </summary>
    public TimeSpan DecodeTimeout
    {
        get;
        init => field = Positive(value, nameof(DecodeTimeout), LongestTimeout);
    } = TimeSpan.FromHours(1);

    private static TimeSpan Positive(TimeSpan value, string name, TimeSpan most) =>
        value > TimeSpan.Zero && value <= most
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"must be positive and at most {most}");
}
