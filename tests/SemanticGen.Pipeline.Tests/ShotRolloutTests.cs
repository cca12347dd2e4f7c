using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Training.Recipes.ShapesV1;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

/// <summary>
/// Both stages shot by shot (<see cref="SemanticRollout"/>, <see cref="LatentRollout"/>) on a shapes-v1 folder whose generators have random weights
/// (the initialised generators' zero heads would make every velocity 0 and every shot its own noise).
/// </summary>
public sealed class ShotRolloutTests(ShotRolloutTests.RandomStageOneFixture pipeline) : IClassFixture<ShotRolloutTests.RandomStageOneFixture>
{
    private static readonly string[] Prompts =
    [
        "a red circle moves right on a gray background",
        "a red circle moves down on a gray background",
        "a red circle stays still on a gray background",
    ];

    private const int Steps = 2;
    private const double Guidance = 3;

    [Fact]
    public void With_no_context_every_shot_is_the_joint_sampler_on_that_shot_alone()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var n = components.Manifest.SemanticGrid.Count;
        var rollout = Rollout(Prompts, seed: 5, context: 0);
        for (var s = 0; s < Prompts.Length; s++)
        {
            var (text, empty) = LongVideoSampler.EncodeShots(components, [Prompts[s]]);
            var alone = LongVideoSampler.SampleSemantics(components, text, empty, 1, 5 + s, Steps, Guidance, null);
            rollout.narrow(1, s * n, n).allclose(alone, rtol: 1e-4, atol: 1e-5).Should().BeTrue($"shot {s} with no context is sampled alone");
        }
    }

    [Fact]
    public void A_shot_depends_on_the_shots_before_it_and_never_on_later_ones()
    {
        using var scope = NewDisposeScope();
        var n = pipeline.Components.Manifest.SemanticGrid.Count;
        var baseline = Rollout(Prompts, seed: 2, context: 1);
        var laterChanged = Rollout([Prompts[0], Prompts[1], "a red circle moves left on a gray background"], seed: 2, context: 1);
        laterChanged.narrow(1, 0, 2 * n).equal(baseline.narrow(1, 0, 2 * n)).all().item<bool>().Should().BeTrue("shots 1 and 2 are finished before shot 3 starts");
        laterChanged.narrow(1, 2 * n, n).allclose(baseline.narrow(1, 2 * n, n), atol: 1e-3).Should().BeFalse("shot 3's own prompt changed");

        var firstChanged = Rollout(["a red circle moves up on a gray background", Prompts[1], Prompts[2]], seed: 2, context: 1);
        var shift = firstChanged.narrow(1, n, n).sub(baseline.narrow(1, n, n)).abs().max().item<float>();
        shift.Should().BeGreaterThan(1e-3f, "shot 2 attends to shot 1, whose prompt changed");
    }

    [Fact]
    public void A_context_reaching_before_the_first_shot_is_the_context_of_every_shot_before()
    {
        using var scope = NewDisposeScope();
        Rollout(Prompts, seed: 4, context: 2).equal(Rollout(Prompts, seed: 4, context: 7)).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void With_no_latent_context_every_shot_is_the_joint_stage_2_on_that_shot_alone()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var n = components.Manifest.SemanticGrid.Count;
        var frames = components.Manifest.Video.LatentFrames;
        var zSem = ZSem(Prompts.Length, 6);
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        var rollout = LatentRollout.Sample(components, zSem, text, empty, Prompts.Length, 5, Steps, Guidance, 0, null);
        for (var s = 0; s < Prompts.Length; s++)
        {
            var (shotText, shotEmpty) = LongVideoSampler.EncodeShots(components, [Prompts[s]]);
            var alone = LongVideoSampler.SampleLatents(components, zSem.narrow(1, s * n, n), shotText, shotEmpty, 1, 5 + s, Steps, Guidance, null);
            rollout.narrow(2, s * frames, frames).allclose(alone, rtol: 1e-4, atol: 1e-5).Should().BeTrue($"shot {s} with no context is sampled alone");
        }
    }

    [Fact]
    public void A_shots_latents_depend_on_the_shot_before_it_and_never_on_later_ones()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var n = components.Manifest.SemanticGrid.Count;
        var frames = components.Manifest.Video.LatentFrames;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        var zSem = ZSem(Prompts.Length, 8);
        var baseline = LatentRollout.Sample(components, zSem, text, empty, Prompts.Length, 2, Steps, Guidance, 1, null);
        var lastChanged = cat([zSem.narrow(1, 0, 2 * n), ZSem(1, 9)], dim: 1);
        var later = LatentRollout.Sample(components, lastChanged, text, empty, Prompts.Length, 2, Steps, Guidance, 1, null);
        later.narrow(2, 0, 2 * frames).equal(baseline.narrow(2, 0, 2 * frames)).all().item<bool>().Should().BeTrue("shots 1 and 2 are finished before shot 3 starts");

        var firstChanged = cat([ZSem(1, 10), zSem.narrow(1, n, 2 * n)], dim: 1);
        var earlier = LatentRollout.Sample(components, firstChanged, text, empty, Prompts.Length, 2, Steps, Guidance, 1, null);
        var shift = earlier.narrow(2, frames, frames).sub(baseline.narrow(2, frames, frames)).abs().max().item<float>();
        shift.Should().BeGreaterThan(1e-3f, "shot 2 attends to shot 1, whose semantics changed");
    }

    [Fact]
    public void The_long_pipeline_samples_shot_by_shot_when_the_request_names_a_context()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        using var joint = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance));
        using var rollout = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance, SemanticContext: 1));
        using var again = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance, SemanticContext: 1));
        rollout.shape.Should().Equal(joint.shape);
        rollout.allclose(joint, atol: 1e-3).Should().BeFalse("shot 1 sampled alone is not shot 1 sampled with shot 2");
        rollout.equal(again).all().item<bool>().Should().BeTrue("same request, same video");
        using var latentRollout = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance, LatentContext: 1));
        latentRollout.allclose(joint, atol: 1e-3).Should().BeFalse("shot 1's latents sampled alone are not those sampled with shot 2's");
    }

    [Fact]
    public void Context_guidance_changes_every_shot_that_has_context_and_leaves_the_first_as_it_was()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var n = components.Manifest.SemanticGrid.Count;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        var plain = SemanticRollout.Sample(components, text, empty, Prompts.Length, 6, Steps, Guidance, 1, null);
        var zero = SemanticRollout.Sample(components, text, empty, Prompts.Length, 6, Steps, Guidance, 1, null, contextGuidance: 0);
        var guided = SemanticRollout.Sample(components, text, empty, Prompts.Length, 6, Steps, Guidance, 1, null, contextGuidance: 1.5);
        zero.equal(plain).all().item<bool>().Should().BeTrue("λ = 0 is the plain rollout");
        guided.narrow(1, 0, n).equal(plain.narrow(1, 0, n)).all().item<bool>().Should().BeTrue("shot 1 has no context to guide by");
        for (var s = 1; s < Prompts.Length; s++)
            guided.narrow(1, s * n, n).sub(plain.narrow(1, s * n, n)).abs().max().item<float>()
                .Should().BeGreaterThan(1e-3f, $"shot {s + 1} is guided by its context");
        using var viaRequest = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance, SemanticContext: 1, SemanticContextGuidance: 1.5));
        using var unguided = LongVideoPipeline.Latents(components, Prompts[..2], new LongVideoRequest(3, Steps: 1, Guidance: Guidance, SemanticContext: 1));
        viaRequest.allclose(unguided, atol: 1e-3).Should().BeFalse("the long pipeline passes the request's λ to stage 1");
    }

    [Fact]
    public void Progress_counts_every_step_of_every_shot_in_order()
    {
        using var scope = NewDisposeScope();
        var reported = new List<int>();
        var components = pipeline.Components;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts);
        SemanticRollout.Sample(components, text, empty, Prompts.Length, 1, Steps, Guidance, 1, new ListProgress(reported));
        reported.Should().Equal(Enumerable.Range(1, Prompts.Length * Steps));
    }

    [Fact]
    public void A_context_shot_enters_a_step_at_that_steps_noise_level()
    {
        using var scope = NewDisposeScope();
        var clean = tensor(new[] { 1f, 2f, -4f }).reshape(1, 3, 1);
        var noise = tensor(new[] { 0f, 10f, 4f }).reshape(1, 3, 1);
        ShotRollout.ContextAt(clean, noise, tensor(new[] { 0f })).equal(clean).all().item<bool>().Should().BeTrue();
        ShotRollout.ContextAt(clean, noise, tensor(new[] { 1f })).equal(noise).all().item<bool>().Should().BeTrue();
        ShotRollout.ContextAt(clean, noise, tensor(new[] { 0.25f })).data<float>().ToArray().Should().Equal(0.75f, 4f, -2f);
        var latents = ones([2, 3, 2, 2, 2]);                                                   // (B, z, F, h, w), one σ per sample
        var mixed = ShotRollout.ContextAt(latents, zeros([2, 3, 2, 2, 2]), tensor(new[] { 0.5f, 0.1f }));
        mixed[0].eq(0.5f).all().item<bool>().Should().BeTrue();
        mixed[1].sub(0.9f).abs().max().item<float>().Should().BeLessThan(1e-6f);
    }

    [Fact]
    public void A_negative_context_is_refused_before_anything_is_sampled()
    {
        var long_ = new LongVideoPipeline(pipeline.Components, null!);
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(SemanticContext: -1)))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*semantic context*0 or more*");
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(LatentContext: -2)))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*latent context*0 or more*");
    }

    [Fact]
    public void Text_that_does_not_split_into_one_prompt_per_shot_is_refused_by_both_stages()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var (text, empty) = LongVideoSampler.EncodeShots(components, Prompts[..2]);              // 2 prompts × 32 tokens for 3 shots
        FluentActions.Invoking(() => SemanticRollout.Sample(components, text, empty, 3, 1, Steps, Guidance, 1, null))
            .Should().Throw<ArgumentException>().WithMessage("*64 tokens does not divide into 3 prompts*");
        FluentActions.Invoking(() => LatentRollout.Sample(components, ZSem(3, 1), text, empty, 3, 1, Steps, Guidance, 1, null))
            .Should().Throw<ArgumentException>().WithMessage("*64 tokens does not divide into 3 prompts*");
    }

    /// <summary>A random normalised-scale z_sem of <paramref name="shots"/> shots (1, S·N, d).</summary>
    private Tensor ZSem(int shots, long seed)
    {
        var manifest = pipeline.Components.Manifest;
        using var generator = new Generator((ulong)seed);
        return randn([1, shots * manifest.SemanticGrid.Count, manifest.Compressor.TokenDim], generator: generator);
    }

    private Tensor Rollout(string[] prompts, long seed, int context)
    {
        var components = pipeline.Components;
        var (text, empty) = LongVideoSampler.EncodeShots(components, prompts);
        return SemanticRollout.Sample(components, text, empty, prompts.Length, seed, Steps, Guidance, context, null);
    }

    private sealed class ListProgress(List<int> values) : IProgress<int>
    {
        public void Report(int value) => values.Add(value);
    }

    /// <summary>An initialised shapes-v1 folder, loaded, with the long-video generators' weights drawn at random (seeded).</summary>
    public sealed class RandomStageOneFixture : IDisposable
    {
        private readonly TempFolder _folder = new();

        public RandomStageOneFixture()
        {
            ShapesV1Recipe.Initialise(_folder.Path, new ShapesV1Options());
            Components = PipelineComponents.Load(_folder.Path);
            using var noGrad = no_grad();
            using var generator = new Generator(11);
            foreach (var parameter in Components.LongVideoSemanticGenerator.parameters().Concat(Components.LongVideoLatentGenerator.parameters()))
                parameter.normal_(0, 0.1, generator);
        }

        public PipelineComponents Components { get; }

        public void Dispose()
        {
            Components.Dispose();
            _folder.Dispose();
        }
    }
}
