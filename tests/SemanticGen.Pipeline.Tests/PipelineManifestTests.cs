using SemanticGen.Pipeline.Components;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Pipeline.Tests;

public sealed class PipelineManifestTests
{
    [Fact]
    public void The_shapes_v1_manifest_is_consistent_and_round_trips_through_json()
    {
        using var folder = new TempFolder();
        var manifest = ShapesV1Sizes.Manifest(120).Validated("test");
        manifest.SemanticGrid.Should().Be(new Abstractions.Encoders.SemanticGrid(4, 4, 4));
        manifest.TextEncoder.VocabSize.Should().Be(128);
        manifest.Write(folder.Path);
        var read = PipelineManifest.Read(folder.Path);
        read.LatentGenerator.Transformer.NumLayers.Should().Be(manifest.LatentGenerator.Transformer.NumLayers);
        read.Vae.ZDim.Should().Be(16);
        read.Compressor.Should().Be(manifest.Compressor);
    }

    [Fact]
    public void Components_that_do_not_fit_together_are_named()
    {
        var manifest = ShapesV1Sizes.Manifest(120);
        var wrongText = manifest with { SemanticGenerator = manifest.SemanticGenerator with { TextDim = 32 } };
        var act = () => wrongText.Validated("pipeline.json");
        act.Should().Throw<InvalidDataException>().WithMessage("pipeline.json: semanticGenerator.text_dim 32 ≠ textEncoder.d_model 64*");

        var wrongSemantic = manifest with { LatentGenerator = manifest.LatentGenerator with { SemanticDim = 64 } };
        var act2 = () => wrongSemantic.Validated("pipeline.json");
        act2.Should().Throw<InvalidDataException>().WithMessage("*latentGenerator.semanticDim 64*token width 8*");

        var wrongStats = manifest with { SemanticStd = [1.0, 0.0, 1, 1, 1, 1, 1, 1] };
        var act3 = () => wrongStats.Validated("pipeline.json");
        act3.Should().Throw<InvalidDataException>().WithMessage("*semanticStd*positive*");

        var sharedStoryFile = manifest with { Stories = new StoryGenerators(SemanticGeneratorFile: manifest.SemanticGeneratorFile) };
        var act4 = () => sharedStoryFile.Validated("pipeline.json");
        act4.Should().Throw<InvalidDataException>().WithMessage("*stories needs its own*");

        var negativeContext = manifest with { Stories = new StoryGenerators(SemanticContext: -1) };
        FluentActions.Invoking(() => negativeContext.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.semanticContext must be 0 or more*-1*");
        var cleanUntrained = manifest with { Stories = new StoryGenerators(SemanticContext: 7, CleanSemanticContext: true) };
        FluentActions.Invoking(() => cleanUntrained.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.cleanSemanticContext needs*semanticCleanContextTrained > 0*");
        var cleanWithoutContext = manifest with { Stories = new StoryGenerators(SemanticCleanContextTrained: 0.5, CleanSemanticContext: true) };
        FluentActions.Invoking(() => cleanWithoutContext.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.cleanSemanticContext needs stories.semanticContext*");
        (manifest with { Stories = new StoryGenerators(SemanticCleanContextTrained: 0.5, SemanticContext: 7, CleanSemanticContext: true) })
            .Validated("pipeline.json").Stories!.SemanticContext.Should().Be(7);

        var negativeLatentContext = manifest with { Stories = new StoryGenerators(LatentContext: -1) };
        FluentActions.Invoking(() => negativeLatentContext.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.latentContext must be 0 or more*-1*");
        var cleanLatentUntrained = manifest with { Stories = new StoryGenerators(LatentContext: 1, CleanLatentContext: true) };
        FluentActions.Invoking(() => cleanLatentUntrained.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.cleanLatentContext needs*latentCleanContextTrained > 0*");
        var cleanLatentWithoutContext = manifest with { Stories = new StoryGenerators(LatentCleanContextTrained: 0.5, CleanLatentContext: true) };
        FluentActions.Invoking(() => cleanLatentWithoutContext.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.cleanLatentContext needs stories.latentContext*");
        (manifest with { Stories = new StoryGenerators(LatentCleanContextTrained: 0.5, LatentContext: 1, CleanLatentContext: true) })
            .Validated("pipeline.json").Stories!.LatentContext.Should().Be(1);

        var negativeGuidance = manifest with { Stories = new StoryGenerators(SemanticContext: 7, SemanticContextGuidance: -0.5) };
        FluentActions.Invoking(() => negativeGuidance.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.semanticContextGuidance must be a finite number, 0 or more*-0.5*");
        var guidanceWithoutContext = manifest with { Stories = new StoryGenerators(SemanticContextGuidance: 1) };
        FluentActions.Invoking(() => guidanceWithoutContext.Validated("pipeline.json")).Should().Throw<InvalidDataException>()
            .WithMessage("*stories.semanticContextGuidance*needs stories.semanticContext*absent*");
        (manifest with { Stories = new StoryGenerators(SemanticContext: 7, SemanticContextGuidance: 1) })
            .Validated("pipeline.json").Stories!.SemanticContextGuidance.Should().Be(1);
    }

    [Fact]
    public void A_folder_without_a_manifest_or_with_a_broken_one_says_which_file()
    {
        using var folder = new TempFolder();
        var missing = () => PipelineManifest.Read(folder.Path);
        missing.Should().Throw<FileNotFoundException>().WithMessage($"*{folder.Path}*pipeline.json*");
        File.WriteAllText(folder.File(PipelineManifest.FileName), "{ not json");
        var broken = () => PipelineManifest.Read(folder.Path);
        broken.Should().Throw<InvalidDataException>().WithMessage($"*{folder.File(PipelineManifest.FileName)}*");
    }

    [Fact]
    public void A_component_file_that_does_not_match_its_configuration_fails_the_load_naming_the_file()
    {
        using var folder = new TempFolder();
        ShapesV1Recipe.Initialise(folder.Path, new ShapesV1Options());
        File.Copy(folder.File("semantic_generator.safetensors"), folder.File("latent_generator.safetensors"), overwrite: true);
        var act = () => PipelineComponents.Load(folder.Path);
        act.Should().Throw<Exception>().WithMessage("*latent_generator.safetensors*");
        File.Delete(folder.File("vae.safetensors"));
        var gone = () => PipelineComponents.Load(folder.Path);
        gone.Should().Throw<FileNotFoundException>().WithMessage("*vae.safetensors*");
    }
}
