using SemanticGen.Abstractions.Encoders;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using TorchSharp;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.Generators;

public sealed class SemanticGeneratorTests
{
    private const int TokenDim = 8;

    [Fact]
    public void Config_takes_the_token_width_and_a_unit_patch()
    {
        using var generator = new SemanticGenerator(WanTransformerPresets.Get("tiny"), TokenDim);

        var config = generator.Transformer.Config;
        var shapes = generator.named_parameters().ToDictionary(p => p.name, p => p.parameter.shape);

        config.InChannels.Should().Be(TokenDim);
        config.OutChannels.Should().Be(TokenDim);
        config.PatchSize.Should().Equal(1, 1, 1);
        config.TextDim.Should().Be(WanTransformerPresets.Get("tiny").TextDim);
        shapes["transformer.patch_embedding.weight"].Should().Equal(48L, TokenDim, 1L, 1L, 1L);
        shapes["transformer.proj_out.weight"].Should().Equal(TokenDim, 48L);
        shapes.Keys.Should().Contain("transformer.blocks.1.attn2.to_k.weight", "text cross-attention is kept");
    }

    [Theory]
    [InlineData(2, 4, 4)]
    [InlineData(3, 2, 5)]
    public void Forward_returns_a_velocity_per_token_in_raster_order(int t, int h, int w)
    {
        using var generator = Randomised();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grid = new SemanticGrid(t, h, w);
        var random = new Generator(1).manual_seed(1);
        var z = randn([2, grid.Count, TokenDim], generator: random);
        var timestep = tensor(new float[] { 900f, 250f });
        var text = randn([2, 5, 32], generator: random);

        var velocity = generator.forward(z, grid, timestep, text);

        velocity.shape.Should().Equal(2L, grid.Count, TokenDim);
        // Reference path: tokens → (B, d, T, H, W) by explicit (t, h, w, c) indexing, the plain Wan forward, and back.
        var latents = z.reshape(2, t, h, w, TokenDim).permute(0, 4, 1, 2, 3);
        var expected = generator.Transformer.forward(latents, timestep, text).permute(0, 2, 3, 4, 1).reshape(2, grid.Count, TokenDim);
        velocity.sub(expected).abs().max().item<float>().Should().BeLessThan(1e-6f);
        velocity.abs().max().item<float>().Should().BeGreaterThan(1e-3f, "the randomised head predicts something");
    }

    [Fact]
    public void Batch_items_are_independent()
    {
        using var generator = Randomised();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grid = new SemanticGrid(3, 2, 5);
        var random = new Generator(2).manual_seed(2);
        var z = randn([3, grid.Count, TokenDim], generator: random);
        var timestep = tensor(new float[] { 999f, 500f, 3f });
        var text = randn([3, 4, 32], generator: random);

        var together = generator.forward(z, grid, timestep, text);

        for (var b = 0; b < 3; b++)
        {
            var alone = generator.forward(z[b..(b + 1)], grid, timestep[b..(b + 1)], text[b..(b + 1)]);
            alone.sub(together[b..(b + 1)]).abs().max().item<float>().Should().BeLessThan(1e-5f, $"item {b}");
        }
        together[0].sub(together[1]).abs().max().item<float>().Should().BeGreaterThan(1e-3f);
    }

    [Fact]
    public void Text_changes_the_prediction()
    {
        using var generator = Randomised();
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var grid = new SemanticGrid(2, 4, 4);
        var random = new Generator(3).manual_seed(3);
        var z = randn([1, grid.Count, TokenDim], generator: random);
        var timestep = tensor(new float[] { 500f });

        var a = generator.forward(z, grid, timestep, randn([1, 4, 32], generator: random));
        var b = generator.forward(z, grid, timestep, randn([1, 4, 32], generator: random));

        a.sub(b).abs().max().item<float>().Should().BeGreaterThan(1e-4f);
    }

    [Fact]
    public void Tokens_that_do_not_fit_the_grid_are_refused()
    {
        using var generator = new SemanticGenerator(WanTransformerPresets.Get("tiny"), TokenDim);
        using var scope = NewDisposeScope();

        var act = () => generator.forward(zeros(1, 31, TokenDim), new SemanticGrid(2, 4, 4), zeros(1), zeros(1, 3, 32));

        act.Should().Throw<ArgumentException>().WithMessage("*2×4×4*");
    }

    [Fact]
    public void Adamw_steps_on_the_rectified_flow_loss_reduce_it()
    {
        using var generator = new SemanticGenerator(WanTransformerPresets.Get("tiny"), TokenDim);
        var grid = new SemanticGrid(2, 4, 4);
        var random = new Generator(11).manual_seed(11);
        using var x0 = randn([2, grid.Count, TokenDim], generator: random);
        using var noise = randn([2, grid.Count, TokenDim], generator: random);
        using var t = rand([2], generator: random);
        using var text = randn([2, 5, 32], generator: random);
        using var optimizer = optim.AdamW(generator.parameters(), lr: 3e-3);
        generator.train();

        var losses = new List<double>();
        for (var step = 0; step < 12; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var tb = t.reshape(2, 1, 1);
            var zt = x0.add(noise.sub(x0).mul(tb));                                            // (1−t)·x0 + t·ε
            var target = noise.sub(x0);                                                        // ε − x0
            var loss = generator.forward(zt, grid, t.mul(1000f), text).sub(target).square().mean();
            loss.backward();
            optimizer.step();
            losses.Add(loss.item<float>());
        }

        losses[^1].Should().BeLessThan(0.8 * losses[0], string.Join(", ", losses));
    }

    /// <summary>The tiny generator with a random (not zero) output head, so that predictions depend on the input.</summary>
    private static SemanticGenerator Randomised()
    {
        var generator = new SemanticGenerator(WanTransformerPresets.Get("tiny"), TokenDim);
        using var noGrad = no_grad();
        var head = generator.named_parameters().Single(p => p.name == "transformer.proj_out.weight").parameter;
        head.normal_(0.0, 0.1, generator: new Generator(99).manual_seed(99));
        generator.eval();
        return generator;
    }
}
