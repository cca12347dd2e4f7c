using SemanticGen.Pipeline.Components;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Services.Tests;

/// <summary>
/// A REAL pipeline folder (pipeline.json, tokenizer, every component file) at the shapes-v1 recipe's seeded random
/// initialisation: untrained, so its videos are noise, but every stage runs the real TorchSharp models, the real sampler
/// and the real ffmpeg writer. Created once per test run (about 2 s) and deleted when the test process exits. Requests
/// use <see cref="Steps"/> sampling steps to keep a job at a few seconds.
/// </summary>
public static class TinyPipeline
{
    /// <summary>Sampling steps per generator used by tests (the pipeline's default is 25).</summary>
    public const int Steps = 2;

    private static readonly Lazy<string> Created = new(Create, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The pipeline folder (full path).</summary>
    public static string Folder => Created.Value;

    /// <summary>Its manifest (video format: frames, size, fps).</summary>
    public static PipelineManifest Manifest => PipelineManifest.Read(Folder);

    private static string Create()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sg-tests", $"tiny-pipeline-{Guid.NewGuid():N}");
        ShapesV1Recipe.Initialise(folder, new ShapesV1Options());
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder must not fail the run.
            }
        };
        return folder;
    }
}
