using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Media;
using SemanticGen.Models.DiT;
using SemanticGen.Models.Generators;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using SemanticGen.Pipeline.LongVideo;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

/// <summary>The long-video pipeline of issue 6 on the initialised (untrained) shapes-v1 pipeline, 2 shots, 1 step.</summary>
public sealed class LongVideoTests(TinyPipelineFixture pipeline) : IClassFixture<TinyPipelineFixture>
{
    private static readonly string[] Prompts = ["a red circle moves right on a gray background", "a red circle moves down on a gray background"];

    [Fact]
    public async Task Generate_long_writes_one_49_frame_clip_per_shot_and_a_contact_sheet_reporting_every_stage()
    {
        using var output = new TempFolder();
        await using var services = new ServiceCollection().AddSemanticGenMedia().BuildServiceProvider();
        var stages = new List<string>();
        var progress = new StageProgress(p =>
        {
            if (stages.Count == 0 || stages[^1] != p.Stage) stages.Add(p.Stage);
        });
        var generator = new LongVideoPipeline(pipeline.Components, services.GetRequiredService<IVideoWriter>());

        var video = await generator.GenerateAsync(Prompts, output.File("story.mp4"), new LongVideoRequest(Seed: 1, Steps: 1), progress, TestContext.Current.CancellationToken);

        var info = await services.GetRequiredService<IVideoReader>().ProbeAsync(video.VideoPath, TestContext.Current.CancellationToken);
        info.FrameCount.Should().Be(2 * 49);
        video.Frames.Should().Be(2 * 49);
        File.Exists(video.ContactSheetPath).Should().BeTrue();
        stages.Should().Equal(GenerationStages.EncodeText, GenerationStages.Semantic, GenerationStages.Latent, GenerationStages.Decode, GenerationStages.Write);
    }

    [Fact]
    public void The_multi_shot_forwards_give_each_sample_of_a_batch_what_it_gets_alone()
    {
        var manifest = pipeline.Components.Manifest;
        var grid = manifest.SemanticGrid;
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var generator = new Generator(3);
        // Random weights everywhere: the initialised generators' zero heads would make every output 0.
        using var semanticModel = new SemanticGenerator(manifest.SemanticGenerator, manifest.Compressor.TokenDim);
        using var latentModel = new LatentGenerator(manifest.LatentGenerator);
        foreach (var parameter in semanticModel.parameters().Concat(latentModel.parameters()))
            parameter.normal_(0, 0.1, generator);
        var text = randn([2, 2 * 32, 64], generator: generator);                                // 2 samples × 2 shots' text
        var timesteps = tensor(new[] { 300f, 700f });
        var zSem = randn([2, 2 * grid.Count, 8], generator: generator);
        var semantic = LongVideoSampler.SemanticVelocity(semanticModel, zSem, grid, 2, timesteps, text);
        semantic.shape.Should().Equal(2, 2 * grid.Count, 8);

        var view = new WindowedLatentView(latentModel, 13);
        var latents = randn([2, 16, 26, 8, 8], generator: generator);
        var semanticGrid = new WanTokenGrid(2 * grid.T, grid.H, grid.W);
        var windowed = view.forward(latents, timesteps, text, zSem, semanticGrid, 2);
        windowed.shape.Should().Equal(2, 16, 26, 8, 8);
        for (var i = 0; i < 2; i++)
        {
            var alone = LongVideoSampler.SemanticVelocity(semanticModel, zSem.narrow(0, i, 1), grid, 2, timesteps.narrow(0, i, 1), text.narrow(0, i, 1));
            alone.allclose(semantic.narrow(0, i, 1), rtol: 1e-4, atol: 1e-5).Should().BeTrue($"stage-1 sample {i}");
            var aloneLatent = view.forward(latents.narrow(0, i, 1), timesteps.narrow(0, i, 1), text.narrow(0, i, 1), zSem.narrow(0, i, 1), semanticGrid, 2);
            aloneLatent.allclose(windowed.narrow(0, i, 1), rtol: 1e-4, atol: 1e-5).Should().BeTrue($"stage-2 sample {i}");
        }
        semantic.narrow(0, 0, 1).allclose(semantic.narrow(0, 1, 1)).Should().BeFalse("the samples differ");
        windowed.narrow(0, 0, 1).allclose(windowed.narrow(0, 1, 1)).Should().BeFalse("the samples differ");
    }

    [Fact]
    public void The_same_seed_gives_the_same_frames_and_another_seed_other_frames()
    {
        var long_ = new LongVideoPipeline(pipeline.Components, null!);
        Tensor[] Frames(long seed) => [.. long_.Shots(Prompts, new LongVideoRequest(seed, Steps: 1))];
        var (first, again, other) = (Frames(4), Frames(4), Frames(5));
        try
        {
            first.Should().HaveCount(2);
            first[1].shape.Should().Equal(49, 64, 64, 3);
            first.Zip(again).Should().OnlyContain(pair => pair.First.eq(pair.Second).all().item<bool>());
            first[0].eq(other[0]).all().item<bool>().Should().BeFalse();
        }
        finally
        {
            foreach (var t in first.Concat(again).Concat(other)) t.Dispose();
        }
    }

    [Fact]
    public void Story_semantics_bypass_stage_one_while_the_long_pipeline_goes_through_it()
    {
        using var components = PipelineComponents.Load(pipeline.Folder);                            // its own copy: the weights change below
        using (no_grad())
        {
            // The untrained stage 2 ignores z_sem (its semantic embedding starts at zero): give every weight a random offset.
            using var seeded = new Generator(7);
            foreach (var parameter in components.LongVideoLatentGenerator.parameters())
                parameter.add_(randn(parameter.shape, generator: seeded), 0.05);
        }
        var request = new LongVideoRequest(2, Steps: 1);
        using var fromStory = StorySemanticsPipeline.Latents(components, StorySemanticsPipeline.StoryOf(Prompts), Prompts, request);
        using var generated = LongVideoPipeline.Latents(components, Prompts, request);
        using (no_grad())
        {
            foreach (var parameter in components.LongVideoSemanticGenerator.parameters())
                parameter.add_(ones_like(parameter), 0.5);
        }
        using var fromStoryAfter = StorySemanticsPipeline.Latents(components, StorySemanticsPipeline.StoryOf(Prompts), Prompts, request);
        using var generatedAfter = LongVideoPipeline.Latents(components, Prompts, request);
        using var otherStart = StorySemanticsPipeline.Latents(components, StorySemanticsPipeline.StoryOf(Prompts), Prompts, request with { Seed = 3 });

        fromStory.shape.Should().Equal(generated.shape);
        fromStoryAfter.equal(fromStory).all().item<bool>().Should().BeTrue("stage 2 takes the rendered story's z_sem, not stage 1's");
        generatedAfter.equal(generated).all().item<bool>().Should().BeFalse("the long pipeline does go through stage 1 (else the first check proves nothing)");
        otherStart.equal(fromStory).all().item<bool>().Should().BeFalse("another seed renders the story elsewhere and draws other noise");
    }

    [Fact]
    public void A_request_samples_with_its_own_steps_and_guidance_where_set_else_the_pipelines()
    {
        var manifest = pipeline.Components.Manifest;
        new LongVideoRequest(1).SamplingOf(manifest).Should().Be((manifest.Sampling.Steps, manifest.Sampling.Guidance));
        new LongVideoRequest(1, Steps: 3).SamplingOf(manifest).Should().Be((3, manifest.Sampling.Guidance));
        new LongVideoRequest(1, Guidance: 2.5).SamplingOf(manifest).Should().Be((manifest.Sampling.Steps, 2.5));
    }

    [Fact]
    public void Story_semantics_need_the_captions_of_one_story()
    {
        var story = StorySemanticsPipeline.StoryOf(Prompts);
        story.Colour.Should().Be(ShapeColour.Red);
        story.Motions.Should().Equal(ShapeMotion.MovesRight, ShapeMotion.MovesDown);
        FluentActions.Invoking(() => StorySemanticsPipeline.StoryOf([Prompts[0], "a red cube moves down on a gray background"]))
            .Should().Throw<ArgumentException>().WithMessage("*shot 2*cube*");
        FluentActions.Invoking(() => StorySemanticsPipeline.StoryOf([Prompts[0], "a blue circle moves down on a gray background"]))
            .Should().Throw<ArgumentException>().WithMessage("*shot 2*subject or background*");
        FluentActions.Invoking(() => StorySemanticsPipeline.StoryOf([])).Should().Throw<ArgumentException>().WithMessage("*at least one shot*");
    }

    [Fact]
    public void One_shot_gives_the_latents_of_the_short_pipeline()
    {
        // One shot: stage 1 is the short sampler (same noise, one segment = all text) and the one window covers the shot.
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        using var longLatents = LongVideoPipeline.Latents(components, [Prompts[0]], new LongVideoRequest(7, Steps: 1, Guidance: 3));
        var text = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [Prompts[0]]);
        var empty = PipelineTensors.EncodeText(components.Tokenizer, components.TextEncoder, [""]);
        var normalised = GenerationSampler.SampleSemantics(components, text, empty, 7, 1, 3, null);
        var (mean, std) = PipelineTensors.SemanticStatistics(components.Manifest);
        var shortLatents = GenerationSampler.SampleLatents(components, normalised.mul(std).add(mean), text, empty, 7, 1, 3, null);
        longLatents.allclose(shortLatents, rtol: 1e-4, atol: 1e-5).Should().BeTrue();
    }

    [Fact]
    public void The_cross_attention_block_mask_gives_each_segment_the_attention_to_its_own_text_alone()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        using var attention = new WanAttention(32, 4, 1e-6);
        var (x, first, second) = (randn(1, 30, 32), randn(1, 8, 32), randn(1, 8, 32));
        using var noGrad = no_grad();
        var joined = attention.forward(x, cat([first, second], 1), null, null, null, new CrossAttentionSegments([12, 18], [8, 8]));
        var alone1 = attention.forward(x.narrow(1, 0, 12), first, null, null);
        var alone2 = attention.forward(x.narrow(1, 12, 18), second, null, null);
        joined.narrow(1, 0, 12).allclose(alone1, atol: 1e-6).Should().BeTrue();
        joined.narrow(1, 12, 18).allclose(alone2, atol: 1e-6).Should().BeTrue();
        var unmasked = attention.forward(x, cat([first, second], 1), null, null);
        unmasked.allclose(joined, atol: 1e-3).Should().BeFalse("without the mask every token sees both shots' text");
        // equal runs batch together: 3 equal segments give the same as three separate calls
        var thirds = attention.forward(x, cat([first, second, first], 1), null, null, null, CrossAttentionSegments.Uniform(3, 10, 8));
        thirds.narrow(1, 20, 10).allclose(attention.forward(x.narrow(1, 20, 10), first, null, null), atol: 1e-6).Should().BeTrue();
    }

    [Fact]
    public void Each_shot_is_one_contiguous_span_of_the_window_order_with_its_semantic_tokens()
    {
        var vae = new WanTokenGrid(3 * 13, 4, 4);
        var semantic = new WanTokenGrid(3 * 4, 4, 4);
        var layout = ShiftedWindows.Build(vae, semantic, 13, 0);
        var segments = WindowedLatentView.ShotSegments(layout, vae, 3, 32);
        segments.Queries.Should().Equal(272, 272, 272);
        segments.Text.Should().Equal(32, 32, 32);
    }

    [Fact]
    public void The_streamed_shot_by_shot_decode_equals_one_batched_decode()
    {
        using var scope = NewDisposeScope();
        var components = pipeline.Components;
        var z = components.Manifest.Vae.ZDim;
        var generator = new Generator(11);
        var latents = randn([1, z, 2 * 13, 8, 8], generator: generator);                         // two shots
        using var noGrad = no_grad();
        var streamed = cat([ShotDecoder.DecodeShot(components, latents, 0), ShotDecoder.DecodeShot(components, latents, 1)], 0); // (98, H, W, 3)
        var batched = latents.reshape(z, 2, 13, 8, 8).transpose(0, 1);                          // (2, z, 13, h, w)
        var once = PipelineTensors.ToFrames(components.Vae.Decode(components.Vae.Denormalize(batched))).flatten(0, 1); // (98, H, W, 3)
        streamed.shape.Should().Equal(98, 64, 64, 3);
        streamed.to(ScalarType.Int32).sub(once.to(ScalarType.Int32)).abs().max().item<int>().Should().BeLessThanOrEqualTo(1);
    }

    [Fact]
    public void On_rendered_stories_the_metrics_give_the_planned_jumps_full_identity_and_every_shot_correct()
    {
        foreach (var seed in new long[] { 1, 2 })
        {
            var story = ShapesStoryGenerator.Generate(seed, 8);
            var plan = ShapesStoryPlan.Create(story, seed);
            var result = LongVideoEvaluation.ScoreStory(story, plan.RenderShots());
            result.Scores.Should().HaveCount(8).And.OnlyContain(s => s.AllCorrect);
            result.Identity.Should().Be(1.0);
            result.Jumps.Should().HaveCount(7).And.OnlyContain(j => j != null);
            for (var b = 0; b < 7; b++)
            {
                var shift = plan.Shots[b + 1].ContinuityShift;
                // the renderer's last frame sits one frame's step short of the planned end at most (32 px / 48 steps)
                result.Jumps[b]!.Value.Should().BeApproximately(Math.Sqrt(shift.X * shift.X + shift.Y * shift.Y), 0.75);
            }
            result.RuleDeviations.Should().HaveCount(7).And.OnlyContain(d => d != null && d < 0.75, "the rendered story follows the continuity rule");
        }
        LongVideoMetrics.Drift([1, 1, 1, 1, 1, 0.5]).Should().Be(0.5);                 // ⌈0.9⌉ = 1 shot at each end
        LongVideoMetrics.Drift([1, 1, 1, 1, 1, 1, 0.5]).Should().Be(0.25);             // ⌈1.05⌉ = 2
        LongVideoMetrics.Median([3, 1, 2, 10]).Should().Be(2.5);
    }

    [Fact]
    public void A_rendered_triangle_story_with_forced_moves_follows_the_rule_once_its_centroid_offset_is_taken_out()
    {
        // Up, up, up: each shot after the first must move down 32 px to fit; a triangle's centroid sits below its box centre.
        var story = new ShapesStory(ShapeColour.Green, ShapeKind.Triangle, ShapeBackground.Navy, [ShapeMotion.MovesUp, ShapeMotion.MovesUp, ShapeMotion.MovesUp]);
        var plan = ShapesStoryPlan.Create(story, 4);
        var result = LongVideoEvaluation.ScoreStory(story, plan.RenderShots());
        result.Jumps.Should().OnlyContain(j => j >= 19, "every boundary is a forced move (20 to 32 px)");
        result.RuleDeviations.Should().HaveCount(2).And.OnlyContain(d => d != null && d < 0.75);
        var offset = LongVideoEvaluation.CentroidOffset(new ShapesScorer(), story.ShotCompositions[0], ShapesRenderOptions.Default);
        offset.Y.Should().BeGreaterThan(1, "the centroid of an upward triangle is below its bounding-box centre");
    }

    [Fact]
    public void The_rule_deviation_is_the_distance_from_the_clamped_end_and_null_without_an_object()
    {
        var region = new StartRegion(10, 20, 10, 20);
        IReadOnlyList<(CanvasPoint?, CanvasPoint?)> ends =
        [
            (null, new CanvasPoint(15, 15)), (new CanvasPoint(18, 19), new CanvasPoint(30, 12)), // inside: should start at the end
            (new CanvasPoint(20, 12), new CanvasPoint(5, 5)),                                      // outside: clamped to (20, 12)
            (new CanvasPoint(10, 10), null), (new CanvasPoint(1, 1), null),
        ];
        var deviations = LongVideoMetrics.RuleDeviations(ends, [region, region, region, region, region], default);
        deviations[0]!.Value.Should().BeApproximately(5, 1e-12);                                // (18, 19) vs (15, 15)
        deviations[1].Should().Be(0);                                                           // (30, 12) → (20, 12)
        deviations[2]!.Value.Should().BeApproximately(0, 1e-12);                                // (5, 5) → (10, 10)
        deviations[3].Should().BeNull();
        var shifted = LongVideoMetrics.RuleDeviations(ends, [region, region, region, region, region], new CanvasPoint(0, 3));
        shifted[1]!.Value.Should().BeApproximately(1, 1e-12, "centroid (30, 12) is centre (30, 9), clamped to (20, 10): centroid (20, 13), 1 px from (20, 12)");
        FluentActions.Invoking(() => LongVideoMetrics.RuleDeviations(ends, [region], default)).Should().Throw<ArgumentException>().WithMessage("*5 shots, 1 regions*");
    }

    [Fact]
    public void Identity_is_anchored_on_shot_one_while_the_modal_identity_counts_the_most_frequent_subject()
    {
        static ShapesDetection D(ShapeColour? colour, ShapeKind? shape) =>
            new(ShapeBackground.Gray, colour, shape, ShapeMotion.StaysStill, 49, colour is null ? 0 : 49, null, null, null);
        var redCircle = D(ShapeColour.Red, ShapeKind.Circle);
        // Shot 1 misdetected as a triangle, the other four the same red circle but one shot without an object.
        IReadOnlyList<ShapesDetection> story = [D(ShapeColour.Red, ShapeKind.Triangle), redCircle, redCircle, redCircle, D(null, null)];
        LongVideoMetrics.IdentityConsistency(story).Should().Be(0.0);
        LongVideoMetrics.ModalIdentity(story).Should().Be(3.0 / 5);
        LongVideoMetrics.ModalIdentity([redCircle, D(ShapeColour.Blue, ShapeKind.Square)]).Should().Be(0.5, "a tie takes the pair seen first");
        LongVideoMetrics.ModalIdentity([D(null, null), D(null, null)]).Should().Be(0.0);
    }

    private sealed class StageProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
