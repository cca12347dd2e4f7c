namespace SemanticGen.Data.ShapesWorld.Stories;

/// <summary>Random stories for training and demos: the subject and background fixed, one random motion per shot.</summary>
public static class ShapesStoryGenerator
{
    /// <summary>
    /// The stream of <see cref="SplitMix64.ForStream"/> that story generation draws from; negative, so it never
    /// coincides with a clip stream (clip indices are ≥ 0) of the same seed.
    /// </summary>
    public const long SubjectStream = -1;

    /// <summary>
    /// A story of <paramref name="shotCount"/> shots whose every shot composition is in <paramref name="split"/>.
    /// Draws, from stream <see cref="SubjectStream"/> of <paramref name="seed"/>: a (colour, shape, background)
    /// uniformly among those with at least one motion in the split, then each shot's motion uniformly among the
    /// motions the split allows for it (so a train story never contains a held-out shot).
    /// </summary>
    public static ShapesStory Generate(long seed, int shotCount, ShapesSplitKind split = ShapesSplitKind.All)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(shotCount);
        var compositions = ShapesSplit.Compositions(split);
        var subjects = compositions
            .GroupBy(c => (c.Colour, c.Shape, c.Background))
            .Select(group => (Subject: group.Key, Motions: group.Select(c => c.Motion).ToArray()))
            .ToArray();

        var random = SplitMix64.ForStream(seed, SubjectStream);
        var (subject, motions) = subjects[random.NextInt(subjects.Length)];
        var shots = new ShapeMotion[shotCount];
        for (var i = 0; i < shotCount; i++)
            shots[i] = motions[random.NextInt(motions.Length)];
        return new ShapesStory(subject.Colour, subject.Shape, subject.Background, shots);
    }
}
