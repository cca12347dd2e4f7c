using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using SemanticGen.Media;
using SemanticGen.Training.Recipes.ShapesV1;

namespace SemanticGen.Cli.Tests;

/// <summary>`semanticgen serve` as a real child process with a real (untrained, freshly initialised) shapes-v1 pipeline.</summary>
public sealed partial class ServeCommandTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Serve_runs_a_text_to_video_job_over_http_to_an_mp4_then_stops()
    {
        using var folder = new TempFolder();
        var pipeline = folder.File("pipeline");
        var manifest = ShapesV1Recipe.Initialise(pipeline, new ShapesV1Options());
        var artifacts = folder.File("artifacts");

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            Environment = { ["NO_COLOR"] = "1" },
        };
        foreach (var arg in (string[])[Path.Combine(AppContext.BaseDirectory, "semanticgen.dll"), "serve", "--urls", "http://127.0.0.1:0",
                     "--pipeline", pipeline, "--artifacts", artifacts, "--database", folder.File("state/jobs.db")])
            start.ArgumentList.Add(arg);
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var process = new Process { StartInfo = start };
        DataReceivedEventHandler collect = (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (output)
                output.AppendLine(e.Data);
            if (ListeningLine().Match(e.Data) is { Success: true } match)
                listening.TrySetResult(new Uri(match.Groups[1].Value));
        };
        process.OutputDataReceived += collect;
        process.ErrorDataReceived += collect;
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(TimeSpan.FromSeconds(90), Ct);
            using var client = new HttpClient { BaseAddress = address };
            using var submitted = await client.PostAsync("/jobs", new StringContent(
                """{"kind":"text-to-video","prompt":"a red circle moves right on a gray background","seed":3,"steps":2}""",
                Encoding.UTF8, "application/json"), Ct);
            submitted.StatusCode.Should().Be(HttpStatusCode.Accepted, await submitted.Content.ReadAsStringAsync(Ct));
            var id = (await submitted.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("id").GetString();

            JsonElement job;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            do
            {
                await Task.Delay(100, Ct);
                job = await client.GetFromJsonAsync<JsonElement>($"/jobs/{id}", Ct);
            }
            while (job.GetProperty("status").GetString() is "accepted" or "running" && DateTime.UtcNow < deadline);

            lock (output)
                job.GetProperty("status").GetString().Should().Be("succeeded", $"{job}\n{output}");
            var result = await client.GetFromJsonAsync<JsonElement>($"/jobs/{id}/result", Ct);
            var video = result.GetProperty("videoPath").GetString()!;
            video.Should().Be(Path.Combine(artifacts, "jobs", id!, "video.mp4"));
            var info = await new FfmpegVideoReader().ProbeAsync(video, Ct);
            info.FrameCount.Should().Be(manifest.Video.Frames);
            File.Exists(folder.File("state/jobs.db")).Should().BeTrue("--database names the job store");
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        }

        process.HasExited.Should().BeTrue();
    }

    [Fact]
    public async Task Serve_without_a_pipeline_folder_is_a_usage_error()
    {
        using var folder = new TempFolder();

        var result = await CliProcess.RunAsync("serve", "--urls", "http://127.0.0.1:0", "--pipeline", folder.File("none"), "--artifacts", folder.File("a"));

        result.ExitCode.Should().Be(2, result.All);
        result.StdErr.Should().Contain("pipeline.json is missing");
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}
