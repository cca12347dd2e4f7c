using SemanticGen.Models.DiT;
using SemanticGen.Pipeline.Components;
using SemanticGen.Models.Generators;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Training.Recipes.ShapesV1.Stories;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

/// <summary>
/// Both story stages continuing finished shots that enter clean (t = 0 tokens) rather than re-noised: the forwards with
/// clean shots or frames, the rollout's clean context, the training losses and the refusals, on a shapes-v1 folder whose
/// long-video generators have random weights.
/// </summary>
public sealed class CleanContextTests(ShotRolloutTests.RandomStageOneFixture pipeline) : IClassFixture<ShotRolloutTests.RandomStageOneFixture>
{
    private static readonly string[] Prompts = ["a red circle moves right on a gray background", "a red circle moves down on a gray background"];

    [Fact]
    public void A_request_takes_the_folders_default_sampling_of_each_stage_unless_it_names_its_own_or_asks_for_joint()
    {
        var manifest = pipeline.Components.Manifest;
        var withDefault = manifest with { Stories = new StoryGenerators(SemanticCleanContextTrained: 0.5, SemanticContext: 7, CleanSemanticContext: true) };
        var plain = new LongVideoRequest(Seed: 4, LatentContext: 1);

        plain.ResolvedFor(withDefault).Should().Be(plain with { SemanticContext = 7, CleanSemanticContext = true });
        plain.ResolvedFor(manifest).Should().Be(plain, "a folder without story generators has no default");
        (plain with { SemanticContext = 2 }).ResolvedFor(withDefault).Should().Be(plain with { SemanticContext = 2 }, "a named context is taken as it is");
        var joint = new LongVideoRequest(Seed: 4, Joint: true);
        joint.ResolvedFor(withDefault).Should().Be(joint);

        var bothDefaults = manifest with { Stories = withDefault.Stories! with { LatentCleanContextTrained = 0.5, LatentContext = 1, CleanLatentContext = true } };
        var none = new LongVideoRequest(Seed: 4);
        none.ResolvedFor(bothDefaults).Should().Be(none with { SemanticContext = 7, CleanSemanticContext = true, LatentContext = 1, CleanLatentContext = true });
        plain.ResolvedFor(bothDefaults).Should().Be(plain with { SemanticContext = 7, CleanSemanticContext = true },
            "the request's own latent context (re-noised) stands, the semantic default still applies");
        (none with { SemanticContext = 2 }).ResolvedFor(bothDefaults).Should().Be(none with { SemanticContext = 2, LatentContext = 1, CleanLatentContext = true },
            "each stage resolves on its own");
        joint.ResolvedFor(bothDefaults).Should().Be(joint);
        var long_ = new LongVideoPipeline(pipeline.Components, null!);
        FluentActions.Invoking(() => long_.Shots(Prompts, joint with { LatentContext = 1 }))
            .Should().Throw<ArgumentException>().WithMessage("*joint sampling and a semantic or latent context exclude each other*");
    }

    [Fact]
    public void Per_token_timesteps_put_the_clean_vae_tokens_at_0_and_every_other_token_at_its_samples_t()
    {
        using var scope = NewDisposeScope();
        var steps = CleanContext.PerTokenTimesteps(tensor(new[] { 300f, 700f }), 2, cleanTokens: 3, tokens: 5);
        steps.shape.Should().Equal(2, 5);
        steps.data<float>().ToArray().Should().Equal(0f, 0f, 0f, 300f, 300f, 0f, 0f, 0f, 700f, 700f);
        CleanContext.PerTokenTimesteps(tensor(new[] { 250f }), 3, 1, 2).data<float>().ToArray()
            .Should().Equal(0f, 250f, 0f, 250f, 0f, 250f);
        FluentActions.Invoking(() => CleanContext.PerTokenTimesteps(tensor(new[] { 1f }), 1, 6, 5)).Should().Throw<ArgumentOutOfRangeException>()
            .WithMessage("*clean tokens must lie in 0…5*");
    }

    [Fact]
    public void The_windowed_forward_with_clean_frames_is_the_sequence_order_forward_with_those_vae_tokens_at_t_0()
    {
        // One window covering the whole shot is full attention, so the windowed forward (tokens permuted into window
        // order) must equal the plain [VAE ; semantic] order with per-token timesteps: a modulation left in sequence
        // order, or clean frames put on the wrong tokens, breaks the equality.
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var components = pipeline.Components;
        var model = components.LongVideoLatentGenerator;
        var transformer = model.Transformer;
        var grid = components.Manifest.SemanticGrid;
        var rng = new Generator(6);
        var latents = randn([1, 16, components.Manifest.Video.LatentFrames, 8, 8], generator: rng);
        var zSem = randn([1, grid.Count, model.Config.SemanticDim], generator: rng);
        var semanticGrid = new WanTokenGrid(grid.T, grid.H, grid.W);
        var (text, _) = LongVideoSampler.EncodeShots(components, Prompts[..1]);
        var t = tensor(new[] { 640f });
        const int cleanFrames = 5;

        var view = new WindowedLatentView(model, windowFrames: 1000);
        var windowed = view.forward(latents, t, text, zSem, semanticGrid, 1, cleanFrames);

        var (tokens, vae) = transformer.Patchify(latents);                                      // (1, Nv, D)
        var (cos, sin) = transformer.Rope.ForGrid(vae.Frames, vae.Height, vae.Width, tokens.device);
        var (cosS, sinS) = transformer.Rope.Tables(LatentGenerator.SemanticPositions(semanticGrid, vae));
        var sequence = cat([tokens, model.SemanticEmbedding.forward(zSem)], dim: 1);            // (1, N, D)
        var perToken = t.reshape(1, 1).expand(1, sequence.shape[1]).clone();
        perToken.narrow(1, 0, cleanFrames * vae.Height * vae.Width).zero_();
        var (temb, modulation, textTokens) = transformer.Condition(perToken, text);
        var blocks = transformer.Blocks(sequence, textTokens, modulation, cat([cos, cosS]), cat([sin, sinS]));
        var expected = transformer.Unpatchify(transformer.Head(blocks.narrow(1, 0, vae.Tokens), temb.narrow(1, 0, vae.Tokens)), vae);

        windowed.allclose(expected, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
        view.forward(latents, t, text, zSem, semanticGrid, 1).allclose(windowed, atol: 1e-3)
            .Should().BeFalse("clean frames change the modulation of their tokens");
    }

    [Fact]
    public void A_clean_context_enters_every_step_as_the_finished_shot_and_a_renoised_one_does_not()
    {
        using var scope = NewDisposeScope();
        var rng = new Generator(8);
        var noises = Enumerable.Range(0, 3).Select(_ => randn([1, 2, 3], generator: rng)).ToArray();
        double[] sigmas = [1.0, 0.6, 0.2, 0.0];
        foreach (var clean in new[] { true, false })
        {
            var seen = new List<(int First, float[] Context)>();                               // managed copies: the sampler's step scopes free its tensors
            var video = ShotRollout.Sample(noises, 1, 1, (first, count, x, t, conditional) =>
            {
                if (count == 2) seen.Add((first, x.narrow(1, 0, 2).contiguous().data<float>().ToArray()));
                return x.mul(0.5).add(t.reshape(-1, 1, 1));                                    // any velocity that uses its input
            }, sigmas, 1.0, null, clean);
            seen.Should().HaveCount(2 * (sigmas.Length - 1), "shots 2 and 3 each see one finished shot at every step");
            var asFinished = seen.Count(s => s.Context.SequenceEqual(video.narrow(1, 2 * s.First, 2).contiguous().data<float>().ToArray()));
            asFinished.Should().Be(clean ? seen.Count : 0, clean ? "clean context is the finished shot at every step" : "re-noised context is mixed with noise at σ > 0");
        }
    }

    [Fact]
    public void The_clean_context_loss_ignores_the_first_shots_noise_and_uses_its_latents()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var components = pipeline.Components;
        var model = components.LongVideoLatentGenerator;
        var grid = components.Manifest.SemanticGrid;
        var frames = components.Manifest.Video.LatentFrames;
        var view = new WindowedLatentView(model, frames);
        var rng = new Generator(9);
        var x0 = randn([1, 16, 2 * frames, 8, 8], generator: rng);
        var noise = randn([1, 16, 2 * frames, 8, 8], generator: rng);
        var zSem = randn([1, 2 * grid.Count, model.Config.SemanticDim], generator: rng);
        var semanticGrid = new WanTokenGrid(2 * grid.T, grid.H, grid.W);
        var (text, _) = LongVideoSampler.EncodeShots(components, Prompts);
        var t = tensor(new[] { 0.6f });
        float Loss(Tensor latents, Tensor epsilon) =>
            ShapesStoryStages.CleanContextLoss(view, latents, epsilon, t, text, zSem, semanticGrid, 2, 1).item<float>();

        var loss = Loss(x0, noise);
        float.IsFinite(loss).Should().BeTrue();
        var otherFirstNoise = cat([randn([1, 16, frames, 8, 8], generator: rng), noise.narrow(2, frames, frames)], dim: 2);
        Loss(x0, otherFirstNoise).Should().Be(loss, "shot 1 is clean context: its noise is never used and it carries no loss");
        var otherFirstShot = cat([randn([1, 16, frames, 8, 8], generator: rng), x0.narrow(2, frames, frames)], dim: 2);
        Loss(otherFirstShot, noise).Should().NotBe(loss, "shot 2 attends to shot 1's clean latents");
        FluentActions.Invoking(() => ShapesStoryStages.CleanContextLoss(view, x0, noise, t, text, zSem, semanticGrid, 1, 1))
            .Should().Throw<ArgumentException>().WithMessage("*at least 2 equal shots*");
    }

    [Fact]
    public void Stage_1_with_every_shot_clean_is_stage_1_at_t_0_and_with_one_clean_shot_it_is_not_the_plain_forward()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var components = pipeline.Components;
        var generator = components.LongVideoSemanticGenerator;
        var grid = components.Manifest.SemanticGrid;
        var rng = new Generator(12);
        var x = randn([1, 2 * grid.Count, components.Manifest.Compressor.TokenDim], generator: rng);
        var (text, _) = LongVideoSampler.EncodeShots(components, Prompts);
        var t = tensor(new[] { 700f });

        var allClean = LongVideoSampler.SemanticVelocity(generator, x, grid, 2, t, text, cleanShots: 2);
        var atZero = LongVideoSampler.SemanticVelocity(generator, x, grid, 2, tensor(new[] { 0f }), text);
        allClean.allclose(atZero, rtol: 1e-5, atol: 1e-5).Should().BeTrue("clean tokens are modulated at t = 0");
        var plain = LongVideoSampler.SemanticVelocity(generator, x, grid, 2, t, text);
        var firstClean = LongVideoSampler.SemanticVelocity(generator, x, grid, 2, t, text, cleanShots: 1);
        firstClean.narrow(1, grid.Count, grid.Count).allclose(plain.narrow(1, grid.Count, grid.Count), atol: 1e-3)
            .Should().BeFalse("shot 2 attends to shot 1's tokens, which are now modulated at t = 0");
        FluentActions.Invoking(() => LongVideoSampler.SemanticVelocity(generator, x, grid, 2, t, text, cleanShots: 3))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*clean shots must lie in 0…2*");
    }

    [Fact]
    public void The_clean_context_stage_1_loss_ignores_the_clean_shots_noise_and_uses_their_semantics()
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var components = pipeline.Components;
        var generator = components.LongVideoSemanticGenerator;
        var grid = components.Manifest.SemanticGrid;
        var n = grid.Count;
        var d = components.Manifest.Compressor.TokenDim;
        var rng = new Generator(13);
        string[] prompts = [.. Prompts, "a red circle stays still on a gray background"];
        var x0 = randn([1, 3 * n, d], generator: rng);
        var noise = randn([1, 3 * n, d], generator: rng);
        var (text, _) = LongVideoSampler.EncodeShots(components, prompts);
        var t = tensor(new[] { 0.5f });
        float Loss(Tensor z, Tensor epsilon, int clean) =>
            ShapesStoryStages.CleanContextSemanticLoss(generator, grid, z, epsilon, t, text, 3, clean).item<float>();

        var loss = Loss(x0, noise, 2);
        float.IsFinite(loss).Should().BeTrue();
        var otherCleanNoise = cat([randn([1, 2 * n, d], generator: rng), noise.narrow(1, 2 * n, n)], dim: 1);
        Loss(x0, otherCleanNoise, 2).Should().Be(loss, "the two clean shots' noise is never used and they carry no loss");
        var otherFirstShot = cat([randn([1, n, d], generator: rng), x0.narrow(1, n, 2 * n)], dim: 1);
        Loss(otherFirstShot, noise, 2).Should().NotBe(loss, "shot 3 attends to the clean shots");
        Loss(x0, noise, 1).Should().NotBe(loss, "one clean shot is another context and another loss");
        FluentActions.Invoking(() => Loss(x0, noise, 3)).Should().Throw<ArgumentOutOfRangeException>().WithMessage("*1…2 of 3 shots*");
    }

    [Fact]
    public void Clean_context_is_refused_for_a_folder_not_trained_with_it_and_without_a_context_to_be_clean()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var n = components.Manifest.SemanticGrid.Count;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        var zSem = zeros(1, 2 * n, components.Manifest.Compressor.TokenDim);
        FluentActions.Invoking(() => LatentRollout.Sample(components, zSem, text, empty, 2, 0, 1, 3, 1, null, cleanContext: true))
            .Should().Throw<ArgumentException>().WithMessage("*not trained with clean context*latentCleanContextTrained*--latent-clean-context*");
        var long_ = new LongVideoPipeline(components, null!);
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(CleanLatentContext: true)))
            .Should().Throw<ArgumentException>().WithMessage("*clean latent context needs a latent context*");
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(LatentContext: 1, CleanLatentContext: true)))
            .Should().Throw<ArgumentException>().WithMessage("*not trained with clean context*", "refused eagerly, before stage 1 runs");

        FluentActions.Invoking(() => SemanticRollout.Sample(components, text, empty, 2, 0, 1, 3, 1, null, cleanContext: true))
            .Should().Throw<ArgumentException>().WithMessage("*semantic generator was not trained with clean context*semanticCleanContextTrained*--semantic-clean-context*");
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(CleanSemanticContext: true)))
            .Should().Throw<ArgumentException>().WithMessage("*clean semantic context needs a semantic context*");
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(SemanticContext: 1, CleanSemanticContext: true)))
            .Should().Throw<ArgumentException>().WithMessage("*semantic generator was not trained with clean context*");
    }
}
