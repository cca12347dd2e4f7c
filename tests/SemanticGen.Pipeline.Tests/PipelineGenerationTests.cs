using Microsoft.Extensions.DependencyInjection;
using SemanticGen.Abstractions.Encoders;
using SemanticGen.Abstractions.Generation;
using SemanticGen.Abstractions.Media;
using SemanticGen.Media;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.Generation;
using static TorchSharp.torch;

namespace SemanticGen.Pipeline.Tests;

public sealed class PipelineGenerationTests(TinyPipelineFixture pipeline) : IClassFixture<TinyPipelineFixture>
{
    private const string Prompt = "a red circle moves right on a gray background";

    [Fact]
    public async Task Generate_through_DI_writes_a_49_frame_mp4_and_a_contact_sheet_reporting_every_stage_in_order()
    {
        using var output = new TempFolder();
        await using var services = new ServiceCollection().AddSemanticGenMedia().AddSemanticGenPipeline(pipeline.Folder).BuildServiceProvider();
        var generator = services.GetRequiredService<ITextToVideoPipeline>();
        var stages = new List<string>();
        var progress = new SynchronousProgress(p =>
        {
            if (stages.Count == 0 || stages[^1] != p.Stage) stages.Add(p.Stage);
        });

        var video = await generator.GenerateAsync(new GenerationRequest(Prompt, Seed: 3, Steps: 2), output.File("clip.mp4"), progress, TestContext.Current.CancellationToken);

        var info = await services.GetRequiredService<IVideoReader>().ProbeAsync(video.VideoPath, TestContext.Current.CancellationToken);
        info.FrameCount.Should().Be(49);
        (info.Width, info.Height).Should().Be((64, 64));
        video.ContactSheetPath.Should().NotBeNull();
        File.Exists(video.ContactSheetPath).Should().BeTrue();
        video.Warnings.Should().BeEmpty();
        stages.Should().Equal(GenerationStages.EncodeText, GenerationStages.Semantic, GenerationStages.Latent, GenerationStages.Decode, GenerationStages.Write);
        output.Files().Should().BeEquivalentTo(["clip.mp4", "clip.png"], "the z_sem artifact is removed after use");
    }

    [Fact]
    public void The_same_seed_gives_the_same_frames_and_another_seed_other_frames()
    {
        using var first = InProcessGeneration.Frames(pipeline.Components, Prompt, seed: 5, steps: 2, guidance: 3);
        using var again = InProcessGeneration.Frames(pipeline.Components, Prompt, seed: 5, steps: 2, guidance: 3);
        using var other = InProcessGeneration.Frames(pipeline.Components, Prompt, seed: 6, steps: 2, guidance: 3);
        first.shape.Should().Equal(49, 64, 64, 3);
        first.dtype.Should().Be(ScalarType.Byte);
        first.eq(again).all().item<bool>().Should().BeTrue();
        first.eq(other).all().item<bool>().Should().BeFalse();
    }

    [Fact]
    public async Task The_stages_run_separately_through_an_artifact_give_the_frames_of_the_in_process_path()
    {
        using var output = new TempFolder();
        var request = new GenerationRequest(Prompt, Seed: 9, Steps: 2);
        var artifact = await new SemanticGenerationStage(pipeline.Components).GenerateSemanticsAsync(request, output.File("z.safetensors"), cancellationToken: TestContext.Current.CancellationToken);
        artifact.Grid.Should().Be(pipeline.Components.Manifest.SemanticGrid);
        artifact.TokenDim.Should().Be(8);
        var described = SemanticArtifactFile.Describe(artifact.Path);
        described.Should().Be(artifact);

        var sink = new CapturingWriter();
        await new LatentGenerationStage(pipeline.Components, sink).RenderAsync(artifact, request, output.File("v.mp4"), cancellationToken: TestContext.Current.CancellationToken);
        using var expected = InProcessGeneration.Frames(pipeline.Components, Prompt, 9, 2, pipeline.Components.Manifest.Sampling.Guidance);
        sink.Frames!.eq(expected).all().item<bool>().Should().BeTrue();
    }

    [Fact]
    public void An_artifact_of_another_grid_or_not_an_artifact_is_refused_naming_the_file()
    {
        using var output = new TempFolder();
        using var z = zeros(1, 8, 8);
        var artifact = SemanticArtifactFile.Write(output.File("other.safetensors"), z, "p", 0, new SemanticGrid(2, 2, 2), "x");
        var read = () => SemanticArtifactFile.Read(artifact, pipeline.Components.Manifest.SemanticGrid, 8);
        read.Should().Throw<ArgumentException>().WithMessage("*other.safetensors*2×2×2*4×4×4*");

        var junk = output.WriteBytes("junk.safetensors", [1, 2, 3]);
        var describe = () => SemanticArtifactFile.Describe(junk);
        describe.Should().Throw<ArgumentException>().WithMessage("*junk.safetensors*");
        var missing = () => SemanticArtifactFile.Describe(output.File("none.safetensors"));
        missing.Should().Throw<ArgumentException>().WithMessage("*none.safetensors*");
    }

    [Fact]
    public void Prompts_outside_the_training_vocabulary_produce_a_warning_naming_the_words()
    {
        LatentGenerationStage.UnseenWordWarnings(pipeline.Components, Prompt).Should().BeEmpty();
        var warning = LatentGenerationStage.UnseenWordWarnings(pipeline.Components, "a teal dragon flies").Should().ContainSingle().Subject;
        warning.Should().Contain("'teal'").And.Contain("'dragon'").And.Contain("'flies'").And.NotContain("'a'");
    }

    [Fact]
    public async Task Invalid_requests_are_refused_before_any_work()
    {
        using var output = new TempFolder();
        var stage = new SemanticGenerationStage(pipeline.Components);
        var empty = () => stage.GenerateSemanticsAsync(new GenerationRequest("  "), output.File("z.safetensors"), cancellationToken: TestContext.Current.CancellationToken);
        await empty.Should().ThrowAsync<ArgumentException>().WithMessage("*prompt*");
        var steps = () => stage.GenerateSemanticsAsync(new GenerationRequest(Prompt, Steps: 0), output.File("z.safetensors"), cancellationToken: TestContext.Current.CancellationToken);
        await steps.Should().ThrowAsync<ArgumentException>().WithMessage("*steps*");
        output.Files().Should().BeEmpty();
    }

    private sealed class SynchronousProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }

    /// <summary>Keeps the frames a stage writes (to compare them losslessly); writes no file.</summary>
    private sealed class CapturingWriter : IVideoWriter, IVideoFrameSink
    {
        private readonly List<Tensor> _chunks = [];
        public Tensor? Frames { get; private set; }

        public Task<IVideoFrameSink> OpenAsync(string path, int width, int height, VideoWriteRequest request, CancellationToken cancellationToken = default) =>
            Task.FromResult<IVideoFrameSink>(this);

        public Task AppendAsync(Tensor frames, CancellationToken cancellationToken = default)
        {
            _chunks.Add(frames.dim() == 3 ? frames.unsqueeze(0).clone() : frames.clone());
            return Task.CompletedTask;
        }

        public Task<VideoInfo> CompleteAsync(CancellationToken cancellationToken = default)
        {
            Frames = cat(_chunks, 0);
            return Task.FromResult(new VideoInfo("memory", TimeSpan.FromSeconds(Frames.shape[0] / 24.0), (int)Frames.shape[2], (int)Frames.shape[1], 24, Frames.shape[0], "raw"));
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
