namespace SemanticGen.Diffusion;

/// <summary>
/// A sampling grid for rectified flow: <see cref="Sigmas"/> runs from 1 (noise) down to 0 (data), N + 1 values;
/// <see cref="Timesteps"/> are the N values the denoiser is conditioned on (σ · 1000 for the first N sigmas).
/// </summary>
public sealed record FlowMatchGrid(IReadOnlyList<double> Sigmas, IReadOnlyList<double> Timesteps)
{
    /// <summary>Number of Euler steps (N).</summary>
    public int Steps => Timesteps.Count;
}

/// <summary>
/// Flow-matching time grids as pure functions (docs/method.md §4), with the shift <c>t' = s·t / (1 + (s−1)·t)</c>.
/// <para>
/// Project default: <see cref="Sigmas"/> — one shift of <c>linspace(1, 0, N+1)</c>, ending exactly at 0. That is
/// the grid method.md describes and the one Wan2.1's own flow solvers use (<c>linspace(σ_max, σ_min, N+1)[:-1]</c>
/// shifted once, then 0; shift 5 for T2V). diffusers' <c>FlowMatchEulerDiscreteScheduler</c> instead spreads N
/// points over <c>[Shift(1/T), 1]</c> — a range that <c>__init__</c> has already shifted — and shifts them again
/// (<see cref="DiffusersSigmas"/>): its last non-zero σ is shifted twice (Shift(1/T, s²), 0.008929 at s = 3) and
/// its final Euler step jumps from there to 0. It is reproduced exactly for parity with diffusers pipelines and
/// recorded fixtures, not as our default.
/// </para>
/// </summary>
public static class FlowMatchSchedule
{
    /// <summary>Number of training timesteps the denoiser's timestep embedding expects (σ · 1000).</summary>
    public const int TrainTimesteps = 1000;

    /// <summary>Wan2.1 T2V's sampling shift.</summary>
    public const double WanShift = 5.0;

    /// <summary><c>s·t / (1 + (s−1)·t)</c>: maps [0, 1] onto itself, fixes 0 and 1, s &gt; 1 moves time towards noise.</summary>
    public static double Shift(double t, double shift) => shift * t / (1 + (shift - 1) * t);

    /// <summary>
    /// Resolution-dependent shift <c>sqrt(m / n)</c>: <paramref name="latentElements"/> (m) of the generated latent
    /// against the <paramref name="referenceElements"/> (n) the base shift was tuned for.
    /// </summary>
    public static double ResolutionShift(long latentElements, long referenceElements)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentElements);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(referenceElements);
        return Math.Sqrt((double)latentElements / referenceElements);
    }

    /// <summary>The project default: σ_i = Shift(1 − i/N, s) for i = 0..N (ends exactly at 0); timesteps σ_i · 1000, i &lt; N.</summary>
    public static FlowMatchGrid Sigmas(double shift, int steps)
    {
        Validate(shift, steps);
        var sigmas = new double[steps + 1];
        for (var i = 0; i <= steps; i++)
        {
            sigmas[i] = Shift(1.0 - (double)i / steps, shift);
        }
        return new FlowMatchGrid(sigmas, sigmas.Take(steps).Select(s => s * TrainTimesteps).ToArray());
    }

    /// <summary>
    /// Exactly diffusers' <c>FlowMatchEulerDiscreteScheduler(num_train_timesteps, shift).set_timesteps(steps)</c>
    /// (no dynamic shifting, no terminal shift, no Karras/exponential/beta sigmas), float32 where it is float32:
    /// <c>__init__</c> shifts the training sigmas <c>t/T</c> (t = T..1) once, so σ_max = 1 and σ_min = Shift(1/T);
    /// <c>set_timesteps</c> takes <c>linspace(σ_max·T, σ_min·T, N) / T</c> of that already shifted range and shifts it
    /// again (float64), stores it as float32, appends 0; timesteps = σ · T in float32.
    /// </summary>
    public static FlowMatchGrid DiffusersSigmas(int numTrainTimesteps, double shift, int steps)
    {
        Validate(shift, steps);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numTrainTimesteps);
        var train = (float)numTrainTimesteps;
        var lastTrainSigma = 1f / train;                                                          // float32 tensor ops
        var sigmaMin = (double)((float)shift * lastTrainSigma / (1f + ((float)shift - 1f) * lastTrainSigma));
        const double sigmaMax = 1.0;
        var sigmas = new double[steps + 1];
        var timesteps = new double[steps];
        for (var i = 0; i < steps; i++)
        {
            var t = Linspace(sigmaMax * numTrainTimesteps, sigmaMin * numTrainTimesteps, steps, i); // numpy float64
            var sigma = (float)Shift(t / numTrainTimesteps, shift);                                   // second shift, then float32
            sigmas[i] = sigma;
            timesteps[i] = sigma * train;                                                             // float32 product
        }
        sigmas[steps] = 0;
        return new FlowMatchGrid(sigmas, timesteps);
    }

    // numpy.linspace: start + i·step, with the last point exactly `stop`.
    private static double Linspace(double start, double stop, int count, int i) =>
        count == 1 ? start : i == count - 1 ? stop : start + i * ((stop - start) / (count - 1));

    private static void Validate(double shift, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (!(shift > 0) || double.IsInfinity(shift))
        {
            throw new ArgumentOutOfRangeException(nameof(shift), shift, "The shift must be a positive finite number.");
        }
    }
}
