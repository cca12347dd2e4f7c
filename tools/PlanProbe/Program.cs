using System.Globalization;
using System.Text;
using SemanticGen.Data.ShapesWorld;
using SemanticGen.Data.ShapesWorld.Scoring;
using SemanticGen.Data.ShapesWorld.Stories;
using SemanticGen.Pipeline.Components;
using SemanticGen.Pipeline.LongVideo;
using SemanticGen.Tools.PlanProbe;
using static TorchSharp.torch;

// plan-probe DIR OUT.tsv [--stories N] [--seed S] [--shots K] [--fit-stories N] [--context-guidance λ]
//            [--semantic-context K] [--semantic-guidance w] [--teacher-forced [--noise-offset n]]
// For stories seed … seed + N − 1 (train split, as eval-long draws them) it samples the folder's default long video
// (stage 1 shot by shot as pipeline.json says, stage 2, decoder) and writes, per shot and temporal z_sem slice, the
// object position read by a probe off stage 1's plan, off the re-encoded video and off the rendered story, beside the
// true centroids; OUT.tsv.json holds eval-long's per-story scores of the same videos, OUT.tsv.captions each shot's
// caption. tools/PlanProbe/split.py compares plan and video at every boundary.
// --semantic-context K samples stage 1 with K clean context shots instead of the folder's default; --semantic-guidance w
// sets stage 1's guidance weight alone. --teacher-forced samples each shot of stage 1 one step ahead of the truth (its
// context is the rendered story's own previous shots, what the generator trained on), with noises of seed + n, and skips
// stage 2 (rows "tf"); tools/PlanProbe/teacher.py counts its moves at boundaries where the story does not move.
if (args.Length < 2) { Console.Error.WriteLine("usage: plan-probe DIR OUT.tsv [--stories N] [--seed S] [--shots K] [--fit-stories N] [--context-guidance λ] [--semantic-context K] [--semantic-guidance w] [--teacher-forced [--noise-offset n]]"); return 2; }
var (folder, outPath) = (args[0], args[1]);
string Option(string name, string fallback) { var i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
var stories = int.Parse(Option("--stories", "4"), CultureInfo.InvariantCulture);
var seed0 = long.Parse(Option("--seed", "0"), CultureInfo.InvariantCulture);
var shots = int.Parse(Option("--shots", "30"), CultureInfo.InvariantCulture);
var fitStories = int.Parse(Option("--fit-stories", "40"), CultureInfo.InvariantCulture);
double? lambda = Option("--context-guidance", "") is { Length: > 0 } l ? double.Parse(l, CultureInfo.InvariantCulture) : null;
var teacherForced = args.Contains("--teacher-forced");
var noiseOffset = long.Parse(Option("--noise-offset", "0"), CultureInfo.InvariantCulture);
int? semanticContext = Option("--semantic-context", "") is { Length: > 0 } kc ? int.Parse(kc, CultureInfo.InvariantCulture) : null;
double? semanticGuidance = Option("--semantic-guidance", "") is { Length: > 0 } w ? double.Parse(w, CultureInfo.InvariantCulture) : null;

using var components = PipelineComponents.Load(folder);
File.Delete(outPath + ".captions");
var manifest = components.Manifest;
var frameIndices = manifest.SemanticSampling.FrameIndices(manifest.Video.Frames);
var slices = frameIndices.Count / manifest.SemanticEncoder.TubeletSize;
var scorer = new ShapesScorer();

Tensor Slices(Tensor frames)                                                                   // (F, H, W, 3) uint8 → (Ts, Hs·Ws·d) μ
{
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    var features = PipelineTensors.SemanticFeatures(components.SemanticEncoder, PipelineTensors.FromFrames(frames), manifest.SemanticSampling);
    return components.Compressor.Compress(features).Mean.reshape(slices, -1).MoveToOuterDisposeScope();
}
(double X, double Y)?[] TrueSlices(IReadOnlyList<CanvasPoint?> centroids) =>                 // mean centroid of each slice's tubelet frames
    [.. Enumerable.Range(0, slices).Select(k =>
    {
        var tubelet = Enumerable.Range(0, manifest.SemanticEncoder.TubeletSize).Select(j => centroids[(int)frameIndices[k * manifest.SemanticEncoder.TubeletSize + j]]).ToArray();
        return tubelet.All(c => c is not null) ? ((double, double)?)(tubelet.Average(c => c!.Value.X), tubelet.Average(c => c!.Value.Y)) : null;
    })];

// 1. The probe, fitted on rendered stories far from the evaluated seeds.
var features = new List<Tensor>();
var targets = new List<float>();
for (var i = 0; i < fitStories; i++)
{
    var story = ShapesStoryGenerator.Generate(1000 + i, shots, ShapesSplitKind.Train);
    foreach (var frames in ShapesStoryPlan.Create(story, 1000 + i).RenderShots())
        using (frames)
        {
            using var z = Slices(frames);
            var truth = TrueSlices(scorer.Centroids(frames));
            for (var k = 0; k < slices; k++)
                if (truth[k] is { } p) { features.Add(z[k].clone()); targets.AddRange([(float)p.X, (float)p.Y]); }
        }
    Console.Error.Write($"\rprobe data: story {i + 1}/{fitStories}");
}
Console.Error.WriteLine();
using var x = stack(features);
using var y = tensor(targets.ToArray()).reshape(-1, 2);
features.ForEach(f => f.Dispose());
var (probe, _, _) = PositionProbe.Fit(x, y, 4000, Console.Error.WriteLine);
using var _probe = probe;

// 2. The evaluated stories.
var rows = new StringBuilder("story\tshot\tkind\tslice\tx\ty\n");
void Row(long story, int shot, string kind, int slice, (double X, double Y)? p)
{
    if (p is { } q) rows.Append(CultureInfo.InvariantCulture, $"{story}\t{shot}\t{kind}\t{slice}\t{q.X:F2}\t{q.Y:F2}\n");
}
void Shot(long story, int shot, string kind, Tensor frames)
{
    using var z = Slices(frames);
    var centroids = scorer.Centroids(frames);
    var read = probe.Positions(z);
    var truth = TrueSlices(centroids);
    for (var k = 0; k < slices; k++) { Row(story, shot, kind + "-probe", k, read[k]); Row(story, shot, kind + "-true", k, truth[k]); }
    Row(story, shot, kind + "-frame", 0, centroids[0] is { } first ? (first.X, first.Y) : null);
    Row(story, shot, kind + "-frame", 1, centroids[^1] is { } last ? (last.X, last.Y) : null);
}
var results = new List<LongVideoStoryResult>();
for (var i = 0; i < stories; i++)
{
    var seed = seed0 + i;
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var story = ShapesStoryGenerator.Generate(seed, shots, ShapesSplitKind.Train);
    var prompts = story.ShotCompositions.Select(c => c.Caption).ToArray();
    File.AppendAllLines(outPath + ".captions", prompts.Select((c, j) => $"{seed}\t{j}\t{c}"));
    using var scope = NewDisposeScope();
    using var noGrad = no_grad();
    var s = 0;
    var truthTokens = new List<Tensor>();                                                       // each rendered shot's μ (N, d)
    foreach (var frames in ShapesStoryPlan.Create(story, seed).RenderShots())
        using (frames)
        {
            Shot(seed, s++, "gt", frames);
            if (teacherForced) truthTokens.Add(Slices(frames).reshape(manifest.SemanticGrid.Count, -1));
        }

    var request = new LongVideoRequest(seed, SemanticContextGuidance: lambda, SemanticContext: semanticContext,
        CleanSemanticContext: semanticContext is not null).ResolvedFor(manifest);
    if (request.SemanticContext is not int context)
        throw new ArgumentException($"{folder}: the probe reads a stage-1 rollout's plan; the folder samples stage 1 jointly (pipeline.json has no stories.semanticContext).");
    if (teacherForced && !request.CleanSemanticContext)
        throw new ArgumentException($"{folder}: --teacher-forced feeds the rendered shots as clean context, but this folder samples stage 1 with re-noised context (pipeline.json stories.cleanSemanticContext is false); add --semantic-context K to sample with K clean context shots.");
    var (steps, guidance) = request.SamplingOf(manifest);
    var stage1Guidance = semanticGuidance ?? guidance;
    var (text, empty) = LongVideoSampler.EncodeShots(components, prompts);
    if (teacherForced)
    {
        // Each shot sampled alone after the rendered story's own previous shots as clean context (one step ahead of the
        // truth): stage 1's behaviour where its context is exactly what it trained on. No stage 2.
        var (m, sd) = PipelineTensors.SemanticStatistics(manifest);
        var truthNormalised = truthTokens.Select(t => t.sub(m).div(sd).unsqueeze(0)).ToArray();   // (1, N, d) each
        var noises = LongVideoSampler.SemanticNoises(components, shots, seed + noiseOffset);
        var sigmas = SemanticGen.Diffusion.FlowMatchSchedule.Sigmas(manifest.Sampling.SemanticShift, steps).Sigmas;
        var textLength = text.shape[1] / shots;
        for (var shot = 0; shot < shots; shot++)
        {
            var first = Math.Max(0, shot - context);
            var window = shot - first + 1;
            var ctx = first == shot ? null : cat(truthNormalised[first..shot], dim: 1);
            var n = noises[shot].shape[1];
            var sampled = SemanticGen.Diffusion.FlowSampler.Sample((xt, t, conditional) =>
            {
                var input = ctx is null ? xt : cat([ctx, xt], dim: 1);
                var v = LongVideoSampler.SemanticVelocity(components.LongVideoSemanticGenerator, input, manifest.SemanticGrid, window,
                    t.mul(SemanticGen.Diffusion.FlowMatchSchedule.TrainTimesteps), (conditional ? text : empty).narrow(1, first * textLength, window * textLength),
                    request.CleanSemanticContext ? window - 1 : 0);
                return v.narrow(1, (window - 1) * n, n);
            }, noises[shot], sigmas, stage1Guidance);
            var read = probe.Positions(sampled.mul(sd).add(m).reshape(slices, -1));
            for (var k = 0; k < slices; k++) Row(seed, shot, "tf", k, read[k]);
        }
        truthTokens.ForEach(t => t.Dispose());
        File.WriteAllText(outPath, rows.ToString());
        Console.Error.WriteLine($"story {seed}: {clock.Elapsed.TotalSeconds:F0} s (teacher-forced)");
        continue;
    }
    var normalised = SemanticRollout.Sample(components, text, empty, shots, seed, steps, stage1Guidance, context, null, request.CleanSemanticContext,
        request.SemanticContextGuidance ?? 0);                                                  // (1, S·N, d)
    var (mean, std) = PipelineTensors.SemanticStatistics(manifest);
    var plan = normalised.mul(std).add(mean);                                                  // μ space
    var planSlices = plan.reshape(shots, slices, -1);                                          // (S, Ts, Hs·Ws·d)
    for (var shot = 0; shot < shots; shot++)
    {
        var read = probe.Positions(planSlices[shot]);
        for (var k = 0; k < slices; k++) Row(seed, shot, "plan", k, read[k]);
    }
    var latents = request.LatentContext is int latentContext
        ? LatentRollout.Sample(components, plan, text, empty, shots, seed, steps, guidance, latentContext, null, request.CleanLatentContext)
        : LongVideoSampler.SampleLatents(components, plan, text, empty, shots, seed, steps, guidance, null);
    var decoded = new List<Tensor>(shots);
    for (var shot = 0; shot < shots; shot++)
    {
        var frames = ShotDecoder.DecodeShot(components, latents, shot);                       // (49, H, W, 3)
        Shot(seed, shot, "video", frames);
        decoded.Add(frames);
    }
    results.Add(LongVideoEvaluation.ScoreStory(story, decoded));                               // disposes the frames
    File.WriteAllText(outPath, rows.ToString());
    File.WriteAllText(outPath + ".json", new LongVideoEvaluationResult("plan-probe", results).ToJson().ToJsonString());
    Console.Error.WriteLine($"story {seed}: {clock.Elapsed.TotalSeconds:F0} s (scores: {outPath}.json)");
}
return 0;
