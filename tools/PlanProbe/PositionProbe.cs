using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Tools.PlanProbe;

/// <summary>
/// A small MLP from one temporal slice of a shot's z_sem (Hs·Ws·d values, μ space) to the object's centroid (x, y) in
/// px, averaged over the two frames of that slice's tubelet. Fitted on rendered stories, whose centroids are known.
/// </summary>
internal sealed class PositionProbe : IDisposable
{
    private readonly nn.Module<Tensor, Tensor> _net;
    private readonly Tensor _mean;
    private readonly Tensor _std;

    private PositionProbe(nn.Module<Tensor, Tensor> net, Tensor mean, Tensor std) => (_net, _mean, _std) = (net, mean, std);

    /// <summary>Fits on <paramref name="features"/> (n, Hs·Ws·d) → <paramref name="targets"/> (n, 2), holding out a fifth; reports the held-out error.</summary>
    public static (PositionProbe Probe, double Median, double P90) Fit(Tensor features, Tensor targets, int steps, Action<string> log)
    {
        var n = features.shape[0];
        var train = n * 4 / 5;
        using var scope = NewDisposeScope();
        var order = randperm(n, generator: new Generator(7));
        var (xTrain, yTrain) = (features.index_select(0, order.narrow(0, 0, train)), targets.index_select(0, order.narrow(0, 0, train)));
        var (xTest, yTest) = (features.index_select(0, order.narrow(0, train, n - train)), targets.index_select(0, order.narrow(0, train, n - train)));
        var mean = xTrain.mean([0]).MoveToOuterDisposeScope();
        var std = xTrain.std([0]).clamp_min(1e-4).MoveToOuterDisposeScope();
        random.manual_seed(0);
        var net = nn.Sequential(nn.Linear(features.shape[1], 256), nn.GELU(), nn.Linear(256, 256), nn.GELU(), nn.Linear(256, 2));
        var probe = new PositionProbe(net, mean, std);
        using var optimizer = optim.AdamW(net.parameters(), 1e-3, weight_decay: 1e-4);
        var batches = new Generator(11);
        for (var step = 0; step < steps; step++)
        {
            using var stepScope = NewDisposeScope();
            var batch = randint(0, train, [512], generator: batches);
            var loss = net.forward(probe.Normalise(xTrain.index_select(0, batch))).sub(yTrain.index_select(0, batch)).abs().mean();
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }
        net.eval();
        using var noGrad = no_grad();
        var errors = net.forward(probe.Normalise(xTest)).sub(yTest).pow(2).sum(1).sqrt().sort().Values;   // (n_test,) ascending
        double At(double q) => errors[(long)(q * (errors.shape[0] - 1))].item<float>();
        log($"probe: {train} training slices, held-out error median {At(0.5):F2} px, 90th percentile {At(0.9):F2} px over {errors.shape[0]} slices");
        return (probe, At(0.5), At(0.9));
    }

    /// <summary>The centroid (x, y) each slice of <paramref name="slices"/> (k, Hs·Ws·d) shows.</summary>
    public (double X, double Y)[] Positions(Tensor slices)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var p = _net.forward(Normalise(slices)).to(ScalarType.Float64).contiguous().data<double>().ToArray();     // (k·2)
        return [.. Enumerable.Range(0, p.Length / 2).Select(i => (p[2 * i], p[2 * i + 1]))];
    }

    private Tensor Normalise(Tensor x) => x.sub(_mean).div(_std);

    public void Dispose()
    {
        _net.Dispose();
        _mean.Dispose();
        _std.Dispose();
    }
}
