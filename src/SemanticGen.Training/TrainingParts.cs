using TorchSharp;
using TorchSharp.Modules;

namespace SemanticGen.Training;

/// <summary>Everything a checkpoint captures that lives in tensors: the model, its EMA, the optimizer and the generator.</summary>
/// <param name="Model">The trained module (parameters and persistent buffers are saved).</param>
/// <param name="Ema">The EMA of <paramref name="Model"/>'s parameters.</param>
/// <param name="Optimizer">AdamW over <paramref name="Model"/>'s parameters.</param>
/// <param name="Generator">The generator the step function draws noise, timesteps and data order from.</param>
public sealed record TrainingParts(torch.nn.Module Model, ExponentialMovingAverage Ema, AdamW Optimizer, torch.Generator Generator);
