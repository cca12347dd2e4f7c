using System.Text.Json.Serialization;

namespace SemanticGen.Training;

/// <summary>The scalar part of a checkpoint, stored as <c>state.json</c>; tensors live in the .safetensors files.</summary>
/// <param name="FormatVersion">Layout version of the checkpoint folder.</param>
/// <param name="Step">Steps completed when it was written.</param>
/// <param name="DataPosition">Batches consumed; the next step reads the batch at this position.</param>
/// <param name="ConfigHash">The run's <see cref="TrainingOptions.ConfigHash"/>.</param>
/// <param name="LearningRates">Each optimizer parameter group's learning rate.</param>
/// <param name="LossTail">The most recent losses (step, loss), oldest first.</param>
public sealed record CheckpointState(
    int FormatVersion,
    long Step,
    long DataPosition,
    string ConfigHash,
    IReadOnlyList<double> LearningRates,
    IReadOnlyList<LossEntry> LossTail)
{
    /// <summary>The layout this library writes.</summary>
    public const int CurrentFormatVersion = 1;
}

/// <summary>One step's loss, as kept in a checkpoint's tail.</summary>
public sealed record LossEntry(
    [property: JsonPropertyName("step")] long Step,
    [property: JsonPropertyName("loss")] double Loss);
