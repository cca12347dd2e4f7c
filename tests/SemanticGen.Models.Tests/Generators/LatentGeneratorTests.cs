using SemanticGen.Abstractions.Encoders;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Weights;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.Generators;

/// <summary>The stage-2 VAE-latent generator: base path untouched, semantic conditioning, positions, loading, training.</summary>
public sealed class LatentGeneratorTests
{
    private static readonly string Fixture = RepoPaths.Fixture("wan", "wan_transformer");
    private static readonly WanTokenGrid SemanticGrid = new(2, 2, 2);

    /// <summary>The tiny Wan fixture's weights in the base, a fresh semantic embedding (SemanticDim 8).</summary>
    private static LatentGenerator LoadedGenerator()
    {
        var model = new LatentGenerator(new LatentGeneratorConfig { Transformer = WanTransformerConfig.FromJson(Path.Combine(Fixture, "config.json")) });
        using var source = TensorSource.Open(Fixture);
        LatentGeneratorWeights.LoadWan(model, source);
        model.eval();
        return model;
    }

    [Fact]
    public void Without_semantic_tokens_the_output_equals_the_plain_wan_transformer()
    {
        using var wan = WanTransformerWeights.Load(Fixture);
        using var model = LoadedGenerator();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(5).manual_seed(5);
        var latents = randn([2, 4, 3, 8, 8], generator: generator);
        var text = randn([2, 7, 32], generator: generator);
        var timesteps = tensor(new[] { 812.5f, 40f });

        var expected = wan.forward(latents, timesteps, text);
        var absent = model.forward(latents, timesteps, text);
        var empty = model.forward(latents, timesteps, text, zeros(2, 0, 8), new WanTokenGrid(0, 0, 0));

        ParityMeasure.MaxAbsDifference(absent, expected).Should().BeLessThanOrEqualTo(1e-5);
        ParityMeasure.MaxAbsDifference(empty, expected).Should().BeLessThanOrEqualTo(1e-5);
        expected.abs().max().item<float>().Should().BeGreaterThan(1e-3f, "the fixture's head is not zero");
    }

    [Fact]
    public void Semantic_tokens_condition_the_velocity_of_the_vae_latents_only()
    {
        using var model = LoadedGenerator();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(7).manual_seed(7);
        var latents = randn([1, 4, 4, 8, 8], generator: generator);
        var text = randn([1, 7, 32], generator: generator);
        var timestep = tensor(new[] { 500f });
        var zA = randn([1, SemanticGrid.Tokens, 8], generator: generator);
        var zB = randn([1, SemanticGrid.Tokens, 8], generator: generator);

        var plain = model.forward(latents, timestep, text);
        var withA = model.forward(latents, timestep, text, zA, SemanticGrid);
        var withA2 = model.forward(latents, timestep, text, zA, SemanticGrid);
        var withB = model.forward(latents, timestep, text, zB, SemanticGrid);

        withA.shape.Should().Equal([1, 4, 4, 8, 8], "only the VAE tokens are returned");
        ParityMeasure.MaxAbsDifference(withA2, withA).Should().Be(0, "deterministic");
        ParityMeasure.MaxAbsDifference(withA, plain).Should().BeGreaterThan(1e-4);
        ParityMeasure.MaxAbsDifference(withB, withA).Should().BeGreaterThan(1e-4);
        var wrongShape = () => model.forward(latents, timestep, text, zeros(1, 7, 8), SemanticGrid);
        wrongShape.Should().Throw<ArgumentException>().WithMessage("*zSem*");
    }

    [Fact]
    public void Semantic_positions_are_centre_aligned_on_the_vae_token_axes()
    {
        using var scope = NewDisposeScope();

        var positions = LatentGenerator.SemanticPositions(new WanTokenGrid(2, 2, 2), new WanTokenGrid(4, 4, 4));
        var single = LatentGenerator.SemanticPositions(new WanTokenGrid(1, 1, 1), new WanTokenGrid(5, 5, 5));
        var uneven = LatentGenerator.SemanticPositions(new WanTokenGrid(1, 2, 3), new WanTokenGrid(3, 8, 6));

        // (i + ½)·4/2 − ½ → 0.5, 2.5; token order is t slowest, w fastest.
        var expected = new List<double>();
        foreach (var t in new[] { 0.5, 2.5 })
            foreach (var h in new[] { 0.5, 2.5 })
                foreach (var w in new[] { 0.5, 2.5 })
                    expected.AddRange([t, h, w]);
        positions.shape.Should().Equal([8, 3]);
        positions.dtype.Should().Be(ScalarType.Float64);
        positions.data<double>().ToArray().Should().Equal(expected);
        single.data<double>().ToArray().Should().Equal([2.0, 2.0, 2.0]);
        uneven.data<double>().ToArray().Should().Equal([1.0, 1.5, 0.5, 1.0, 1.5, 2.5, 1.0, 1.5, 4.5, 1.0, 5.5, 0.5, 1.0, 5.5, 2.5, 1.0, 5.5, 4.5]);
    }

    [Fact]
    public void Semantic_positions_are_what_the_forward_pass_rotates_by()
    {
        // The forward pass equals a sequence hand-built on Wan's public pieces with the documented positions, and
        // moving the semantic tokens by one VAE frame changes the output (the positions are really used).
        using var model = LoadedGenerator();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(9).manual_seed(9);
        var latents = randn([1, 4, 2, 4, 4], generator: generator);
        var text = randn([1, 5, 32], generator: generator);
        var timestep = tensor(new[] { 300f });
        var grid = new WanTokenGrid(1, 2, 2);
        var zSem = randn([1, grid.Tokens, 8], generator: generator);

        var ours = model.forward(latents, timestep, text, zSem, grid);

        var wan = model.Transformer;
        var (tokens, vaeGrid) = wan.Patchify(latents);
        var (temb, modulation, textTokens) = wan.Condition(timestep, text);
        var positions = cat([WanRotaryEmbedding.GridPositions(2, 2, 2), LatentGenerator.SemanticPositions(grid, vaeGrid)], dim: 0);
        var (cos, sin) = wan.Rope.Tables(positions);
        var sequence = cat([tokens, model.SemanticEmbedding.forward(zSem)], dim: 1);
        var handBuilt = wan.Unpatchify(wan.Head(wan.Blocks(sequence, textTokens, modulation, cos, sin).narrow(1, 0, 8), temb), vaeGrid);
        using var one = 1.0.ToScalar();
        var shifted = positions.clone();
        shifted.narrow(0, 8, 4).select(1, 0).add_(one);
        var (cosShifted, sinShifted) = wan.Rope.Tables(shifted);
        var moved = wan.Unpatchify(wan.Head(wan.Blocks(sequence, textTokens, modulation, cosShifted, sinShifted).narrow(1, 0, 8), temb), vaeGrid);

        ParityMeasure.MaxAbsDifference(ours, handBuilt).Should().BeLessThanOrEqualTo(1e-6);
        ParityMeasure.MaxAbsDifference(moved, ours).Should().BeGreaterThan(1e-5);
    }

    [Fact]
    public void A_wan_only_checkpoint_loads_into_the_base_and_the_semantic_embedding_is_reported_new()
    {
        using var model = new LatentGenerator(new LatentGeneratorConfig());
        using var source = TensorSource.Open(Fixture);
        using var folder = new TempFolder();

        var report = LatentGeneratorWeights.LoadWan(model, source);

        report.Base.IsExactMatch.Should().BeTrue();
        report.Base.Loaded.Should().HaveCount(69).And.BeEquivalentTo(source.Keys);
        report.NewInitialised.Should().BeEquivalentTo(["semantic_embedding.proj.weight", "semantic_embedding.proj.bias", "semantic_embedding.type"]);
        model.named_parameters().Select(p => p.name).Should().Contain("transformer.blocks.0.attn1.to_q.weight")
            .And.HaveCount(72);
        using (var io = TensorSource.Open(Path.Combine(Fixture, "io.safetensors")))
        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            model.eval();
            var output = model.forward(io.ReadTensor("hidden_states"), io.ReadTensor("timestep"), io.ReadTensor("encoder_hidden_states"));
            ParityMeasure.MaxAbsDifference(output, io.ReadTensor("output")).Should().BeLessThan(1e-4, "diffusers' recorded output");
        }

        // A whole generator checkpoint round-trips strictly; a Wan-only one is refused by the strict whole-model load.
        SafetensorsWriter.Write(folder.File("model.safetensors"), model.named_parameters().Select(p => (p.name, (Tensor)p.parameter)));
        using var saved = TensorSource.Open(folder.Path);
        using var copy = new LatentGenerator(new LatentGeneratorConfig());
        LatentGeneratorWeights.LoadInto(copy, saved).IsExactMatch.Should().BeTrue();
        foreach (var ((name, a), (_, b)) in model.named_parameters().Zip(copy.named_parameters()))
            ParityMeasure.MaxAbsDifference(a, b).Should().Be(0, name);
        var wanIntoWhole = () => LatentGeneratorWeights.LoadInto(copy, source);
        wanIntoWhole.Should().Throw<WeightLoadException>();
    }

    [Fact]
    public void Adamw_steps_reduce_the_loss_and_gradients_reach_the_semantic_embedding()
    {
        using var model = LoadedGenerator();
        model.train();
        var generator = new Generator(11).manual_seed(11);
        var batch = new[]
        {
            randn([2, 4, 2, 8, 8], generator: generator),      // x0
            randn([2, 4, 2, 8, 8], generator: generator),      // ε
            tensor(new[] { 0.3f, 0.8f }),                      // t
            randn([2, 7, 32], generator: generator),           // text
            randn([2, SemanticGrid.Tokens, 8], generator: generator), // z_sem
        };
        using var optimizer = optim.AdamW(model.parameters(), lr: 3e-3);

        var losses = new List<double>();
        var semanticGradients = new List<double>();
        for (var step = 0; step < 10; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = LatentGeneratorLoss.Compute(model, batch[0], batch[1], batch[2], batch[3], batch[4], SemanticGrid);
            loss.backward();
            var grads = model.named_parameters().Where(p => p.name.StartsWith("semantic_embedding.", StringComparison.Ordinal)).ToList();
            semanticGradients.Add(grads.Min(p => p.parameter.grad is null ? 0.0 : p.parameter.grad.abs().max().item<float>()));
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        foreach (var t in batch) t.Dispose();
        semanticGradients.Should().OnlyContain(g => g > 0, "every semantic_embedding parameter receives a gradient");
        losses[^1].Should().BeLessThan(0.8 * losses[0], string.Join(", ", losses));
    }

    [Fact]
    public void The_loss_is_the_rectified_flow_error_of_the_vae_velocity()
    {
        using var model = LoadedGenerator();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(13).manual_seed(13);
        var x0 = randn([2, 4, 2, 8, 8], generator: generator);
        var noise = randn([2, 4, 2, 8, 8], generator: generator);
        var t = tensor(new[] { 0.25f, 0.9f });
        var text = randn([2, 7, 32], generator: generator);
        var zSem = randn([2, SemanticGrid.Tokens, 8], generator: generator);

        var loss = LatentGeneratorLoss.Compute(model, x0, noise, t, text, zSem, SemanticGrid).item<float>();

        using var one = 1.0.ToScalar();
        using var thousand = 1000.0.ToScalar();
        var tb = t.view(2, 1, 1, 1, 1);
        var xt = tb.neg().add(one) * x0 + tb * noise;
        var velocity = model.forward(xt, t.mul(thousand), text, zSem, SemanticGrid);
        var expected = (velocity - (noise - x0)).square().mean().item<float>();
        loss.Should().BeApproximately(expected, 1e-5f);
    }

    [Fact]
    public void A_batch_equals_its_items_run_alone()
    {
        using var model = LoadedGenerator();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var generator = new Generator(3).manual_seed(3);
        var latents = randn([2, 4, 4, 8, 8], generator: generator);
        var text = randn([2, 7, 32], generator: generator);
        var zSem = randn([2, SemanticGrid.Tokens, 8], generator: generator);
        var timesteps = tensor(new[] { 937.5f, 12f });

        var both = model.forward(latents, timesteps, text, zSem, SemanticGrid);
        var first = model.forward(latents[0..1], timesteps[0..1], text[0..1], zSem[0..1], SemanticGrid);
        var second = model.forward(latents[1..2], timesteps[1..2], text[1..2], zSem[1..2], SemanticGrid);

        ParityMeasure.MaxAbsDifference(both[0..1], first).Should().BeLessThanOrEqualTo(1e-5);
        ParityMeasure.MaxAbsDifference(both[1..2], second).Should().BeLessThanOrEqualTo(1e-5);
    }
}
