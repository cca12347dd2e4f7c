using SemanticGen.Models.DiT;
using static TorchSharp.torch;

namespace SemanticGen.Models.Tests.DiT;

/// <summary>
/// Per-token timesteps (Wan2.2-style: a timestep per token, so clean context tokens sit at t = 0 beside noisy ones) in
/// the Wan transformer's conditioning, blocks and head, on the tiny preset with random weights (the initialised zero
/// head would make every output 0).
/// </summary>
public sealed class PerTokenTimestepTests : IDisposable
{
    private readonly WanTransformer3DModel _model = new(WanTransformerPresets.Get("tiny"));

    public PerTokenTimestepTests()
    {
        using var noGrad = no_grad();
        using var generator = new Generator(3);
        foreach (var parameter in _model.parameters())
            parameter.normal_(0, 0.2, generator);
    }

    [Fact]
    public void A_per_token_timestep_equal_on_every_token_is_the_per_sample_timestep()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rng = new Generator(1);
        var latents = randn([2, 4, 2, 4, 4], generator: rng);                                 // (B, C, F, H, W)
        var text = randn([2, 5, 32], generator: rng);
        var t = tensor(new[] { 120f, 870f });                                                  // (B)
        var (tokens, grid) = _model.Patchify(latents);                                         // (B, N, D)
        var (cos, sin) = _model.Rope.ForGrid(grid.Frames, grid.Height, grid.Width, tokens.device);

        var (temb, modulation, textTokens) = _model.Condition(t, text);
        var perSample = _model.Head(_model.Blocks(tokens, textTokens, modulation, cos, sin), temb);
        var (tembTokens, modulationTokens, _) = _model.Condition(t.unsqueeze(1).expand(2, grid.Tokens), text);
        tembTokens.shape.Should().Equal(2, grid.Tokens, _model.Config.InnerDim);
        modulationTokens.shape.Should().Equal(2, grid.Tokens, 6, _model.Config.InnerDim);
        var perToken = _model.Head(_model.Blocks(tokens, textTokens, modulationTokens, cos, sin), tembTokens);

        perToken.allclose(perSample, rtol: 1e-5, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void The_head_modulates_each_token_with_its_own_temb()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rng = new Generator(2);
        var tokens = randn([2, 6, _model.Config.InnerDim], generator: rng);                    // (B, N, D)
        var temb = randn([2, 6, _model.Config.InnerDim], generator: rng);                      // (B, N, D)
        var together = _model.Head(tokens, temb);                                              // (B, N, P)
        for (var i = 0; i < 6; i++)
        {
            var alone = _model.Head(tokens.narrow(1, i, 1), temb.select(1, i));               // (B, 1, P) with a per-sample temb
            together.narrow(1, i, 1).allclose(alone, rtol: 1e-5, atol: 1e-6).Should().BeTrue($"token {i} has its own temb");
        }
        together.narrow(1, 0, 1).allclose(_model.Head(tokens.narrow(1, 0, 1), temb.select(1, 1)), atol: 1e-4)
            .Should().BeFalse("another token's temb gives another output");
    }

    [Fact]
    public void A_block_modulates_each_token_with_its_own_row()
    {
        // Windows of one token make self-attention per token, so each token can be run alone with its own (B, 6, D) row.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var rng = new Generator(4);
        var dim = _model.Config.InnerDim;
        const int n = 5;
        var tokens = randn([2, n, dim], generator: rng);                                       // (B, N, D)
        var text = randn([2, 3, dim], generator: rng);                                         // (B, L, D)
        var modulation = randn([2, n, 6, dim], generator: rng).mul(0.3);                       // (B, N, 6, D)
        var (cos, sin) = _model.Rope.ForGrid(1, 1, n, tokens.device);                          // (N, d/2)
        var single = Enumerable.Repeat((IReadOnlyList<long>?)Enumerable.Repeat(1L, n).ToArray(), _model.Config.NumLayers).ToArray();
        var together = _model.Blocks(tokens, text, modulation, cos, sin, single);              // (B, N, D)
        for (var i = 0; i < n; i++)
        {
            var alone = _model.Blocks(tokens.narrow(1, i, 1), text, modulation.select(1, i), cos.narrow(0, i, 1), sin.narrow(0, i, 1));
            together.narrow(1, i, 1).allclose(alone, rtol: 1e-4, atol: 1e-5).Should().BeTrue($"token {i} is modulated by row {i}");
        }
    }

    [Fact]
    public void Timesteps_and_temb_of_the_wrong_rank_or_length_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var text = zeros(1, 2, 32);
        FluentActions.Invoking(() => _model.Condition(zeros(1, 2, 3), text)).Should().Throw<ArgumentException>().WithMessage("*timestep*(1, 2, 3)*(B, N)*");
        var tokens = zeros(1, 4, _model.Config.InnerDim);
        FluentActions.Invoking(() => _model.Head(tokens, zeros(1, 3, _model.Config.InnerDim))).Should().Throw<ArgumentException>()
            .WithMessage("*per-token temb (1, 3, 48)*tokens (1, 4, 48)*");
        FluentActions.Invoking(() => _model.Blocks(tokens, zeros(1, 2, 48), zeros(1, 4, 5, 48), zeros(4, 12), zeros(4, 12))).Should().Throw<ArgumentException>()
            .WithMessage("*modulation (1, 4, 5, 48)*(B, N, 6, D)*");
    }

    public void Dispose() => _model.Dispose();
}
