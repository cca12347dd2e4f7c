namespace SemanticGen.Training;

/// <summary>Reported after each completed step.</summary>
/// <param name="Step">The 1-based step just completed.</param>
/// <param name="TotalSteps">Steps of the complete run.</param>
/// <param name="Loss">That step's loss.</param>
/// <param name="LearningRate">The first parameter group's learning rate.</param>
/// <param name="StepsPerSecond">Steps per second since this process started (or resumed) training.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, double Loss, double LearningRate, double StepsPerSecond);
