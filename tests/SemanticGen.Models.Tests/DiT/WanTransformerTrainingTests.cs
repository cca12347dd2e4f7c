using SemanticGen.Abstractions.Encoders;
using SemanticGen.Models.DiT;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.DiT;

/// <summary>Loading (strict, dtype conversion), reduced precision, rectified-flow training and gradient checkpointing.</summary>
public sealed class WanTransformerTrainingTests
{
    private static readonly string Fixture = RepoPaths.Fixture("wan", "wan_transformer");

    [Fact]
    public void Fixture_loads_strictly_and_bf16_weights_convert_to_float32()
    {
        using var folder = new TempFolder();
        using (var source = TensorSource.Open(Fixture))
        {
            using var scope = NewDisposeScope();
            SafetensorsWriter.Write(folder.File("model.safetensors"), source.Keys.Select(k => (k, source.ReadTensor(k, ScalarType.BFloat16))));
        }
        using var model = new WanTransformer3DModel(WanTransformerPresets.Get("tiny"));
        using var bf16 = TensorSource.Open(folder.Path);

        var report = WanTransformerWeights.LoadInto(model, bf16);

        report.IsExactMatch.Should().BeTrue();
        report.Loaded.Should().HaveCount(69).And.BeEquivalentTo(bf16.Keys);
        report.Conversions.Should().HaveCount(69).And.OnlyContain(c => c.Loaded == ScalarType.Float32);
        model.parameters().Should().OnlyContain(p => p.dtype == ScalarType.Float32);
        using var io = TensorSource.Open(Path.Combine(Fixture, "io.safetensors"));
        using var noGrad = no_grad();
        using var outputs = NewDisposeScope();
        var output = model.forward(io.ReadTensor("hidden_states"), io.ReadTensor("timestep"), io.ReadTensor("encoder_hidden_states"));
        var error = ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output"));
        error.Should().BeGreaterThan(1e-6, "bf16-rounded weights are not the originals").And.BeLessThan(0.1);
    }

    [Fact]
    public void A_checkpoint_missing_a_key_is_refused()
    {
        using var folder = new TempFolder();
        using (var source = TensorSource.Open(Fixture))
        {
            using var scope = NewDisposeScope();
            SafetensorsWriter.Write(folder.File("model.safetensors"), source.Keys.Where(k => k != "blocks.1.attn2.norm_k.weight").Select(k => (k, source.ReadTensor(k))));
        }
        File.Copy(Path.Combine(Fixture, "config.json"), folder.File("config.json"));

        var load = () => WanTransformerWeights.Load(folder.Path);

        load.Should().Throw<WeightLoadException>().WithMessage("*blocks.1.attn2.norm_k.weight*");
    }

    [Fact]
    public void A_bf16_model_keeps_float32_modulation_and_stays_close()
    {
        using var reference = WanTransformerWeights.Load(Fixture);
        using var bf16 = WanTransformerWeights.Load(Fixture, dtype: ScalarType.BFloat16);
        using var io = TensorSource.Open(Path.Combine(Fixture, "io.safetensors"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        var dtypes = bf16.named_parameters().ToDictionary(p => p.name, p => p.parameter.dtype);
        var output = bf16.forward(io.ReadTensor("hidden_states"), io.ReadTensor("timestep"), io.ReadTensor("encoder_hidden_states"));

        dtypes["blocks.0.attn1.to_q.weight"].Should().Be(ScalarType.BFloat16);
        dtypes["proj_out.weight"].Should().Be(ScalarType.BFloat16);
        dtypes["blocks.0.scale_shift_table"].Should().Be(ScalarType.Float32);
        dtypes["scale_shift_table"].Should().Be(ScalarType.Float32);
        dtypes["blocks.0.norm2.weight"].Should().Be(ScalarType.Float32);
        dtypes["condition_embedder.time_embedder.linear_1.weight"].Should().Be(ScalarType.Float32);
        output.dtype.Should().Be(ScalarType.BFloat16);
        ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output")).Should().BeLessThan(0.1);
    }

    [Fact]
    public void Adamw_steps_on_the_rectified_flow_loss_reduce_it()
    {
        using var model = new WanTransformer3DModel(WanTransformerPresets.Get("tiny"));
        var batch = RectifiedFlowBatch(new Generator(11).manual_seed(11));
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);
        model.train();

        var losses = new List<double>();
        for (var step = 0; step < 12; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = Loss(model, batch);
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        foreach (var t in batch) t.Dispose();
        losses[^1].Should().BeLessThan(0.8 * losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void Gradient_checkpointing_gives_the_same_loss_and_gradients()
    {
        using var model = WanTransformerWeights.Load(Fixture);
        var batch = RectifiedFlowBatch(new Generator(23).manual_seed(23));
        model.train();

        var (plainLoss, plain) = LossAndGradients(model, batch);
        model.GradientCheckpointing = true;
        var (checkpointedLoss, checkpointed) = LossAndGradients(model, batch);

        checkpointedLoss.Should().BeApproximately(plainLoss, 1e-6);
        checkpointed.Keys.Should().BeEquivalentTo(plain.Keys);
        plain.Keys.Should().Contain("blocks.0.attn1.to_q.weight").And.Contain("condition_embedder.time_proj.weight");
        foreach (var (name, gradient) in plain)
        {
            gradient.abs().max().item<float>().Should().BeGreaterThan(0f, name);
            ParityMeasure.MaxAbsDifference(checkpointed[name], gradient).Should().BeLessThan(1e-6, name);
        }
        foreach (var t in batch.Concat(plain.Values).Concat(checkpointed.Values)) t.Dispose();
    }

    [Fact]
    public void Checkpointing_is_inactive_without_recording()
    {
        using var model = WanTransformerWeights.Load(Fixture);
        model.GradientCheckpointing = true;
        using var io = TensorSource.Open(Path.Combine(Fixture, "io.safetensors"));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();

        var output = model.forward(io.ReadTensor("hidden_states"), io.ReadTensor("timestep"), io.ReadTensor("encoder_hidden_states"));

        ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output")).Should().BeLessThan(1e-4);
    }

    /// <summary>
    /// On CUDA, libtorch's autograd engine runs the checkpoint's backward on its own device thread, outside every dispose
    /// scope of the caller; on the CPU it runs on the calling thread, so a backward called with no scope open is the same
    /// situation. Each step must leave the thread's live tensor count where the previous step left it.
    /// </summary>
    [Fact]
    public void A_checkpointed_backward_outside_any_dispose_scope_leaves_no_tensors_behind()
    {
        using var model = WanTransformerWeights.Load(Fixture);
        var batch = RectifiedFlowBatch(new Generator(29).manual_seed(29));
        model.train();
        model.GradientCheckpointing = true;
        var live = new List<long>();

        for (var step = 0; step < 4; step++)
        {
            Tensor loss;
            using (NewDisposeScope())
                loss = Loss(model, batch).MoveToOuterDisposeScope();
            loss.backward();                                                   // no dispose scope open
            loss.Dispose();
            live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        model.parameters().First().grad.Should().NotBeNull("the backward ran through the checkpointed blocks");
        live.Skip(1).Should().AllBeEquivalentTo(live[1], $"live tensors after each step: {string.Join(", ", live)}");
        foreach (var t in batch) t.Dispose();
    }

    /// <summary>x0, ε, t ∈ (0, 1), text; fixed.</summary>
    private static Tensor[] RectifiedFlowBatch(Generator generator) =>
    [
        randn([2, 4, 3, 8, 8], generator: generator),
        randn([2, 4, 3, 8, 8], generator: generator),
        tensor(new[] { 0.3f, 0.8f }),
        randn([2, 7, 32], generator: generator),
    ];

    /// <summary>x_t = (1 − t)·x0 + t·ε, target ε − x0, mean squared error; the model sees t·1000.</summary>
    private static Tensor Loss(WanTransformer3DModel model, Tensor[] batch)
    {
        var (x0, noise, t, text) = (batch[0], batch[1], batch[2], batch[3]);
        using var one = 1.0.ToScalar();
        using var thousand = 1000.0.ToScalar();
        var tt = t.view(-1, 1, 1, 1, 1);
        var xt = tt.neg().add(one) * x0 + tt * noise;
        var prediction = model.forward(xt, t.mul(thousand), text);
        return nn.functional.mse_loss(prediction, noise - x0);
    }

    private static (double Loss, Dictionary<string, Tensor> Gradients) LossAndGradients(WanTransformer3DModel model, Tensor[] batch)
    {
        model.zero_grad();
        using var scope = NewDisposeScope();
        var loss = Loss(model, batch);
        loss.backward();
        var gradients = model.named_parameters().Where(p => p.parameter.grad is not null)
            .ToDictionary(p => p.name, p => p.parameter.grad!.clone().DetachFromDisposeScope());
        return (loss.item<float>(), gradients);
    }
}
