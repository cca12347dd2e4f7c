using System.Net.Http.Json;
using SemanticGen.Services.Core.Jobs;

namespace SemanticGen.Services.Tests;

/// <summary>Polls GET /jobs/{id} until the job is terminal (or the timeout passes), recording the progress seen.</summary>
public static class JobPolling
{
    public static async Task<(JobRecord Job, List<double> Progress)> UntilTerminalAsync(HttpClient client, string id, TimeSpan? timeout = null)
    {
        var progress = new List<double>();
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var job = (await client.GetFromJsonAsync<JobRecord>($"/jobs/{id}", JobJson.Options))!;
            progress.Add(job.Progress);
            if (job.Status.IsTerminal() || DateTime.UtcNow > deadline)
                return (job, progress);
            await Task.Delay(50);
        }
    }

    public static async Task<JobRecord> SubmitAsync(HttpClient client, JobRequest request)
    {
        using var response = await client.PostAsJsonAsync("/jobs", request, JobJson.Options);
        response.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JobRecord>(JobJson.Options))!;
    }
}
