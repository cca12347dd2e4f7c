using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

/// <summary>
/// Context guidance of a rollout (<see cref="ShotRollout.Sample"/>'s λ): the formula on a toy velocity, its refusals, and
/// how a request takes it (<see cref="LongVideoRequest.ResolvedFor"/>, the long pipeline's checks).
/// </summary>
public sealed class ContextGuidanceTests
{
    private static readonly string[] Prompts = ["a red circle moves right on a gray background", "a red circle moves down on a gray background"];

    /// <summary>
    /// A window velocity whose every term is visible: 0.5·x, plus the window's shot count (so a shot with context and the
    /// same shot alone differ by 1 per extra shot), plus 10 on the unconditional branch. Records every call.
    /// </summary>
    private static Tensor ToyVelocity(List<(int First, int Count, bool Conditional)> calls, int first, int count, Tensor x, bool conditional)
    {
        calls.Add((first, count, conditional));
        return x.mul(0.5).add(count + (conditional ? 0 : 10));
    }

    [Theory]
    [InlineData(0.0, 1.0)]
    [InlineData(2.0, 1.0)]
    [InlineData(2.0, 3.0)]
    public void A_shot_with_context_moves_by_lambda_times_what_its_context_adds_inside_text_guidance(double lambda, double guidance)
    {
        using var scope = NewDisposeScope();
        var noises = new[] { full(1, 4, 1f), full(1, 4, 2f), full(1, 4, -2f) };                // three shots of 4 values
        var calls = new List<(int First, int Count, bool Conditional)>();
        var video = ShotRollout.Sample(noises, 1, 1, (first, count, x, t, conditional) => ToyVelocity(calls, first, count, x, conditional),
            [1.0, 0.0], guidance, null, cleanContext: true, contextGuidance: lambda);          // one Euler step: x − v

        // Shot 1 has no context: v_c = 0.5·x + 1, v_u = 0.5·x + 11, v = v_u + w·(v_c − v_u) = 0.5·x + 11 − 10·w.
        // Shot s > 1 sees one shot: v_c = 0.5·x + 2, alone 0.5·x + 1, so v_c' = 0.5·x + 2 + λ; v_u = 0.5·x + 12;
        // v = 0.5·x + 12 + w·(λ − 10).
        var w = guidance;
        float Expected(float noise, bool withContext) =>
            (float)(noise - (0.5 * noise + (withContext ? 12 + w * (lambda - 10) : 11 - 10 * w)));
        var values = video.data<float>().ToArray();
        values[..4].Should().AllSatisfy(v => v.Should().BeApproximately(Expected(1f, false), 1e-5f));
        values[4..8].Should().AllSatisfy(v => v.Should().BeApproximately(Expected(2f, true), 1e-5f));
        values[8..].Should().AllSatisfy(v => v.Should().BeApproximately(Expected(-2f, true), 1e-5f));

        var alone = calls.Where(c => c is { Count: 1, First: > 0 }).ToList();
        if (lambda == 0) alone.Should().BeEmpty("λ = 0 costs no extra forward");
        else alone.Should().Equal([(1, 1, true), (2, 1, true)], "one conditional forward of each shot with context alone, per step");
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void A_negative_or_non_finite_lambda_is_refused(double lambda)
    {
        using var scope = NewDisposeScope();
        FluentActions.Invoking(() => ShotRollout.Sample([zeros(1, 2)], 1, 1, (_, _, x, _, _) => x, [1.0, 0.0], 1.0, null, contextGuidance: lambda))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*context guidance λ must be a finite number, 0 or more*");
        var long_ = new IndependentShotsPipeline(null!, null!);                              // refused before the components are touched
        FluentActions.Invoking(() => long_.Shots(Prompts, new LongVideoRequest(SemanticContext: 1, SemanticContextGuidance: lambda)))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*semantic context guidance λ must be a finite number, 0 or more*");
    }

    [Fact]
    public void A_request_takes_the_folders_context_guidance_only_with_the_folders_stage_1_sampling()
    {
        var folder = new PipelineManifest
        {
            Stories = new StoryGenerators(SemanticCleanContextTrained: 0.5, SemanticContext: 7, CleanSemanticContext: true, SemanticContextGuidance: 1.5),
        };
        var none = new LongVideoRequest(Seed: 3);
        none.ResolvedFor(folder).Should().Be(none with { SemanticContext = 7, CleanSemanticContext = true, SemanticContextGuidance = 1.5 });
        (none with { SemanticContextGuidance = 0 }).ResolvedFor(folder)
            .Should().Be(none with { SemanticContext = 7, CleanSemanticContext = true, SemanticContextGuidance = 0 }, "a named λ stands");
        (none with { SemanticContext = 2 }).ResolvedFor(folder).Should().Be(none with { SemanticContext = 2 },
            "a request that names its own stage-1 context samples it without the folder's guidance");
        (none with { Joint = true }).ResolvedFor(folder).Should().Be(none with { Joint = true });

        var long_ = new IndependentShotsPipeline(null!, null!);
        FluentActions.Invoking(() => long_.Shots(Prompts, none with { SemanticContextGuidance = 1 }))
            .Should().Throw<ArgumentException>().WithMessage("*semantic context guidance needs a semantic context*");
    }
}
