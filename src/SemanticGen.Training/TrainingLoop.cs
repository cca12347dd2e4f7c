using System.Diagnostics;
using TorchSharp;
using TorchSharp.Modules;

namespace SemanticGen.Training;

/// <summary>
/// Computes one step's scalar loss for the batch at <paramref name="dataPosition"/>, drawing every random number
/// (noise, timesteps, augmentation) from <paramref name="rng"/> so a resumed run repeats the same draws.
/// </summary>
public delegate torch.Tensor TrainingStep(long dataPosition, torch.Generator rng);

/// <summary>What a call to <see cref="TrainingLoop.Run"/> did.</summary>
/// <param name="StartStep">Steps already done when it started (the resumed checkpoint's step, or 0).</param>
/// <param name="FinalStep">Steps done when it returned.</param>
/// <param name="Losses">The losses of the steps this call ran.</param>
public sealed record TrainingResult(long StartStep, long FinalStep, IReadOnlyList<LossEntry> Losses);

/// <summary>
/// A small generic training loop: resume from <c>latest</c> → per step (own dispose scope) loss → NaN/inf guard →
/// backward → gradient guard → optional global-norm clipping → AdamW step → EMA update → loss log → periodic and final checkpoint.
/// One batch per step, so the data position advances by one each step.
/// </summary>
public sealed class TrainingLoop : IDisposable
{
    private readonly TrainingOptions _options;
    private readonly torch.nn.Module _model;
    private readonly TrainingStep _step;
    private readonly IProgress<TrainingProgress>? _progress;

    /// <summary>Creates the loop, its optimizer (from <paramref name="optimizerFactory"/>), EMA and generator; validates the options.</summary>
    public TrainingLoop(TrainingOptions options, torch.nn.Module model, Func<torch.nn.Module, AdamW> optimizerFactory, TrainingStep step, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(optimizerFactory);
        ArgumentNullException.ThrowIfNull(step);
        options.Validate();
        _options = options;
        _model = model;
        _step = step;
        _progress = progress;
        Optimizer = optimizerFactory(model);
        Ema = new ExponentialMovingAverage(model);
        Generator = new torch.Generator((ulong)options.Seed);
    }

    /// <summary>The optimizer (owned by the loop).</summary>
    public AdamW Optimizer { get; }

    /// <summary>The EMA of the model's parameters (owned by the loop).</summary>
    public ExponentialMovingAverage Ema { get; }

    /// <summary>The generator passed to every step (owned by the loop).</summary>
    public torch.Generator Generator { get; }

    /// <summary>Trains up to <see cref="TrainingOptions.TotalSteps"/>, resuming from the latest checkpoint when there is one.</summary>
    /// <exception cref="NonFiniteLossException">A loss or gradient was NaN/inf; that step's update was not applied.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between steps; the last checkpoint is the resume point.</exception>
    public TrainingResult Run(CancellationToken cancellationToken = default)
    {
        var root = _options.CheckpointFolder;
        Directory.CreateDirectory(root);
        var parts = new TrainingParts(_model, Ema, Optimizer, Generator);

        // 1. Resume: model, EMA, optimizer, generator, step, data position and loss tail from `latest`.
        long step = 0, dataPosition = 0;
        var tail = new List<LossEntry>();
        if (CheckpointFolder.FindLatest(root) is { } latest)
        {
            var resumed = TrainingCheckpoint.Load(latest, parts, _options.ConfigHash);
            (step, dataPosition) = (resumed.Step, resumed.DataPosition);
            tail.AddRange(resumed.LossTail);
        }
        var startStep = step;
        var losses = new List<LossEntry>();

        // 2. The log keeps only steps the resumed state has seen.
        using var log = LossLog.Open(_options.LossLogPath ?? Path.Combine(root, TrainingOptions.LossLogFileName), keepThroughStep: step);
        var clock = Stopwatch.StartNew();
        while (step < _options.TotalSteps)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var current = step + 1;
            var (loss, gradientNorm) = TrainOneStep(current, dataPosition);
            Ema.Update(_model, ExponentialMovingAverage.WarmedUpDecay(_options.EmaDecay, current));
            (step, dataPosition) = (current, dataPosition + 1);

            var lr = LearningRate();
            var seconds = clock.Elapsed.TotalSeconds;
            log.Append(new LossLogEntry(step, loss, lr, seconds, gradientNorm));
            losses.Add(new LossEntry(step, loss));
            tail.Add(new LossEntry(step, loss));
            if (tail.Count > _options.LossHistoryTail)
            {
                tail.RemoveRange(0, tail.Count - _options.LossHistoryTail);
            }
            _progress?.Report(new TrainingProgress(step, _options.TotalSteps, loss, lr, (step - startStep) / Math.Max(seconds, 1e-9)));

            if (step % _options.CheckpointInterval == 0 || step == _options.TotalSteps)
            {
                var state = new CheckpointState(CheckpointState.CurrentFormatVersion, step, dataPosition, _options.ConfigHash,
                    Optimizer.ParamGroups.Select(g => g.LearningRate).ToList(), tail.ToList());
                TrainingCheckpoint.Save(root, parts, state, _options.KeepLast);
            }
        }
        return new TrainingResult(startStep, step, losses);
    }

    /// <summary>One update; returns the loss and, when the run clips, the gradient norm before clipping.</summary>
    private (double Loss, double? GradientNorm) TrainOneStep(long step, long dataPosition)
    {
        using var scope = torch.NewDisposeScope();
        Optimizer.zero_grad();
        var loss = _step(dataPosition, Generator);
        var value = NonFiniteGuard.CheckLoss(step, loss);
        loss.backward();
        if (_options.CheckGradients)
        {
            NonFiniteGuard.CheckGradients(step, value, _model);
        }
        double? gradientNorm = _options.MaxGradientNorm is { } limit ? GradientClipping.ClipGlobalNorm(_model, limit) : null;
        Optimizer.step();
        return (value, gradientNorm);
    }

    private double LearningRate() => Optimizer.ParamGroups.First().LearningRate;

    /// <inheritdoc />
    public void Dispose()
    {
        Optimizer.Dispose();
        Ema.Dispose();
        Generator.Dispose();
    }
}
