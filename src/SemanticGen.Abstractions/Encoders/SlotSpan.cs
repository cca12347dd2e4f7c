namespace SemanticGen.Abstractions.Encoders;

/// <summary>
/// The stretch of the input video that one temporal slot of semantic tokens describes: source frames
/// [<see cref="FirstFrame"/>, <see cref="FirstFrame"/> + <see cref="FrameCount"/>) of the sampled clip, i.e. seconds
/// [<see cref="Start"/>, <see cref="End"/>) at the clip's sampling rate.
/// </summary>
public readonly record struct SlotSpan(int FirstFrame, int FrameCount, TimeSpan Start, TimeSpan End)
{
    /// <summary>Spans of <paramref name="slots"/> consecutive slots of <paramref name="framesPerSlot"/> frames sampled at <paramref name="fps"/>.</summary>
    public static IReadOnlyList<SlotSpan> Consecutive(int slots, int framesPerSlot, double fps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slots);
        ArgumentOutOfRangeException.ThrowIfLessThan(framesPerSlot, 1);
        if (!(fps > 0))
            throw new ArgumentOutOfRangeException(nameof(fps), fps, "sampling rate must be positive");
        return Enumerable.Range(0, slots)
            .Select(slot => new SlotSpan(
                slot * framesPerSlot, framesPerSlot,
                TimeSpan.FromSeconds(slot * framesPerSlot / fps), TimeSpan.FromSeconds((slot + 1) * framesPerSlot / fps)))
            .ToList();
    }
}
