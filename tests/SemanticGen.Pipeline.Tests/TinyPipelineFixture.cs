using SemanticGen.Pipeline.Components;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Pipeline.Tests;

/// <summary>
/// A real shapes-v1 pipeline folder at its seeded initialisation (untrained weights, every file and the manifest as
/// the recipe writes them), created once for the test class and loaded once.
/// </summary>
public sealed class TinyPipelineFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public TinyPipelineFixture()
    {
        Folder = _folder.Path;
        ShapesV1Recipe.Initialise(Folder, new ShapesV1Options());
        Components = PipelineComponents.Load(Folder);
    }

    public string Folder { get; }
    public PipelineComponents Components { get; }

    public void Dispose()
    {
        Components.Dispose();
        _folder.Dispose();
    }
}
