namespace SemanticGen.Data.ShapesWorld;

/// <summary>
/// SplitMix64 (Steele, Lea &amp; Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014; the
/// variant-13 finaliser of java.util.SplittableRandom). Chosen because it is tiny, specified bit for bit (so a
/// seed fixes a dataset on every platform and .NET version, unlike System.Random), and counter-based:
/// <see cref="ForStream"/> gives stream k of a seed directly, so clip k is reproducible without drawing clips
/// 0..k−1 — which lets training resume at an exact data position.
/// </summary>
public struct SplitMix64
{
    private const ulong Gamma = 0x9E3779B97F4A7C15;
    private ulong _state;

    /// <summary>A generator whose first output is Mix(state + γ).</summary>
    public SplitMix64(ulong state) => _state = state;

    /// <summary>
    /// Stream <paramref name="index"/> of <paramref name="seed"/>: a generator started at
    /// Mix(Mix(seed) xor index). Distinct indices give unrelated streams.
    /// </summary>
    public static SplitMix64 ForStream(long seed, long index) => new(Mix(Mix((ulong)seed) ^ (ulong)index));

    /// <summary>The next 64 random bits.</summary>
    public ulong NextUInt64()
    {
        _state += Gamma;
        return Mix(_state);
    }

    /// <summary>A uniform double in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform integer in [0, <paramref name="count"/>) by multiply-shift (bias below count / 2^64).</summary>
    public int NextInt(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return (int)Math.BigMul(NextUInt64(), (ulong)count, out _);
    }

    /// <summary>The SplitMix64 finaliser: a bijective 64-bit mix.</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
