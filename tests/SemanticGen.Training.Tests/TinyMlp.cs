using SemanticGen.Training;
using TorchSharp;
using TorchSharp.Modules;

namespace SemanticGen.Training.Tests;

/// <summary>A 4 → hidden → 1 MLP with seeded weights and a regression step whose noise comes from the training generator.</summary>
internal static class TinyMlp
{
    public static Sequential Create(long initSeed, int hidden = 8)
    {
        var model = torch.nn.Sequential(
            ("fc1", torch.nn.Linear(4, hidden)),
            ("act", torch.nn.Tanh()),
            ("fc2", torch.nn.Linear(hidden, 1)));
        // Seeded from a local generator (not the global one) so parallel tests cannot disturb each other.
        using var generator = new torch.Generator((ulong)initSeed);
        using var scale = 0.3.ToScalar();
        using (torch.no_grad())
        {
            foreach (var (_, parameter) in model.named_parameters())
            {
                using var values = torch.randn(parameter.shape, generator: generator);
                parameter.copy_(values.mul_(scale));
            }
        }
        return model;
    }

    public static AdamW Optimizer(torch.nn.Module model) =>
        torch.optim.AdamW(model.parameters(), lr: 0.01, weight_decay: 0.01);

    /// <summary>Batch from the data position (its own seed), target noise from the training generator.</summary>
    public static torch.Tensor Loss(torch.nn.Module<torch.Tensor, torch.Tensor> model, long dataPosition, torch.Generator rng)
    {
        using var data = new torch.Generator((ulong)(1000 + dataPosition));
        using var one = 1.ToScalar();
        using var noiseScale = 0.1.ToScalar();
        var x = torch.randn([8, 4], generator: data);
        var noise = torch.randn([8, 1], generator: rng);
        var target = x.sum(1, keepdim: true).add(noise, noiseScale);
        return torch.nn.functional.mse_loss(model.call(x), target);
    }

    public static Dictionary<string, torch.Tensor> Snapshot(torch.nn.Module model) =>
        model.named_parameters().ToDictionary(p => p.name, p => p.parameter.detach().clone());

    public static TrainingOptions Options(string folder, long totalSteps, long interval = 5, int keepLast = 3) => new()
    {
        TotalSteps = totalSteps,
        CheckpointInterval = interval,
        CheckpointFolder = folder,
        KeepLast = keepLast,
        EmaDecay = 0.9,
        Seed = 7,
        ConfigHash = "tiny-mlp-v1",
    };
}

/// <summary>Reports synchronously (Progress&lt;T&gt; posts to a context) and can cancel after a given step.</summary>
internal sealed class StopAfter(long step, CancellationTokenSource cancel) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value)
    {
        if (value.Step == step)
        {
            cancel.Cancel();
        }
    }
}

internal static class Bitwise
{
    /// <summary>True when both tensors have the same shape and exactly the same float values.</summary>
    public static bool Equal(torch.Tensor a, torch.Tensor b) =>
        a.shape.SequenceEqual(b.shape) && a.data<float>().ToArray().SequenceEqual(b.data<float>().ToArray());
}
