namespace SemanticGen.Training;

/// <summary>What <see cref="TrainingLoop"/> runs; validated when the loop starts.</summary>
public sealed record TrainingOptions
{
    /// <summary>Steps of a complete run (a resumed run continues up to this step).</summary>
    public long TotalSteps { get; init; } = 1000;

    /// <summary>A checkpoint is written every this many steps, and after the last step.</summary>
    public long CheckpointInterval { get; init; } = 100;

    /// <summary>Folder holding <c>step-NNNNNN/</c> checkpoints, the <c>latest</c> pointer and <c>loss.jsonl</c>.</summary>
    public string CheckpointFolder { get; init; } = "";

    /// <summary>Complete checkpoints kept; older ones are deleted after a newer one is committed.</summary>
    public int KeepLast { get; init; } = 3;

    /// <summary>EMA decay per step (0.9999 in DiT); 0 makes the EMA follow the model exactly.</summary>
    public double EmaDecay { get; init; } = 0.9999;

    /// <summary>Seed of the training generator (noise, timesteps, data order), used when starting fresh.</summary>
    public long Seed { get; init; } = 0;

    /// <summary>Identifies the model/data configuration; a checkpoint written under another hash is refused.</summary>
    public string ConfigHash { get; init; } = "";

    /// <summary>Also check every gradient for NaN/inf before the optimizer step (costs one pass over the gradients).</summary>
    public bool CheckGradients { get; init; } = true;

    /// <summary>Where the loss log goes; null means <c>loss.jsonl</c> inside <see cref="CheckpointFolder"/>.</summary>
    public string? LossLogPath { get; init; }

    /// <summary>
    /// When set, the gradients are clipped to this global L2 norm before every optimizer step
    /// (<see cref="GradientClipping.ClipGlobalNorm"/>) and the norm before clipping is logged with the loss. Null: no clipping.
    /// </summary>
    public double? MaxGradientNorm { get; init; }

    /// <summary>Losses kept in each checkpoint's <c>state.json</c>.</summary>
    public int LossHistoryTail { get; init; } = 100;

    /// <summary>
    /// The options of a run that keeps everything in <paramref name="folder"/>: <c>checkpoints/</c> and
    /// <c>loss.jsonl</c>, the layout every recipe stage uses.
    /// </summary>
    public static TrainingOptions InFolder(string folder, long totalSteps, long checkpointInterval, double emaDecay, long seed, string configHash, int keepLast = 3)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        return new TrainingOptions
        {
            TotalSteps = totalSteps,
            CheckpointInterval = checkpointInterval,
            CheckpointFolder = Path.Combine(folder, CheckpointsFolderName),
            LossLogPath = Path.Combine(folder, LossLogFileName),
            EmaDecay = emaDecay,
            Seed = seed,
            ConfigHash = configHash,
            KeepLast = keepLast,
        };
    }

    /// <summary>The names <see cref="InFolder"/> gives the checkpoint folder and the loss log inside a run's folder.</summary>
    public const string CheckpointsFolderName = "checkpoints", LossLogFileName = "loss.jsonl";

    /// <summary>Throws when a value is out of range.</summary>
    public void Validate()
    {
        if (TotalSteps < 1) throw new ArgumentOutOfRangeException(nameof(TotalSteps), TotalSteps, "TotalSteps must be at least 1.");
        if (CheckpointInterval < 1) throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "CheckpointInterval must be at least 1.");
        if (string.IsNullOrWhiteSpace(CheckpointFolder)) throw new ArgumentException("CheckpointFolder must be set.", nameof(CheckpointFolder));
        if (KeepLast < 1) throw new ArgumentOutOfRangeException(nameof(KeepLast), KeepLast, "KeepLast must be at least 1.");
        if (!(EmaDecay >= 0 && EmaDecay <= 1)) throw new ArgumentOutOfRangeException(nameof(EmaDecay), EmaDecay, "EmaDecay must lie in [0, 1].");
        if (LossHistoryTail < 0) throw new ArgumentOutOfRangeException(nameof(LossHistoryTail), LossHistoryTail, "LossHistoryTail must not be negative.");
        if (MaxGradientNorm is { } limit && !(limit > 0 && double.IsFinite(limit)))
            throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), limit, "MaxGradientNorm must be positive and finite (or null for no clipping).");
        ArgumentNullException.ThrowIfNull(ConfigHash);
    }
}
