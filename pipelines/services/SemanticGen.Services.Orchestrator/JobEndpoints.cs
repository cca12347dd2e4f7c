using System.Globalization;
using SemanticGen.Services.Core.Jobs;
using SemanticGen.Services.Core.Running;

namespace SemanticGen.Services.Orchestrator;

/// <summary>The public job API.</summary>
public static class JobEndpoints
{
    /// <summary>
    /// POST /jobs (202 + Location; 400 ProblemDetails; 429 + Retry-After when the queue is full), GET /jobs/{id},
    /// GET /jobs/{id}/result (409 until it succeeded), POST /jobs/{id}/cancel.
    /// </summary>
    public static WebApplication MapJobEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapPost("/jobs", async (JobRequest request, IJobSubmitter submitter, HttpContext context, CancellationToken cancellationToken) =>
        {
            var outcome = await submitter.SubmitAsync(request, cancellationToken);
            switch (outcome)
            {
                case SubmitOutcome.Accepted accepted:
                    return Results.Accepted($"/jobs/{accepted.Job.Id}", accepted.Job);
                case SubmitOutcome.Invalid invalid:
                    return Results.ValidationProblem(invalid.Errors);
                case SubmitOutcome.QueueFull full:
                    context.Response.Headers.RetryAfter = ((int)Math.Ceiling(full.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                    return Results.Problem(
                        title: "Too many jobs",
                        detail: $"the job queue is full ({full.Capacity} unfinished jobs); retry after {full.RetryAfter.TotalSeconds:0} s.",
                        statusCode: StatusCodes.Status429TooManyRequests);
                default:
                    throw new InvalidOperationException($"unknown outcome {outcome}.");
            }
        });

        app.MapGet("/jobs/{id}", async (string id, IJobStore store, CancellationToken cancellationToken) =>
            await FindAsync(id, store, cancellationToken) is { } job ? Results.Ok(job) : NotFound(id));

        app.MapGet("/jobs/{id}/result", async (string id, IJobStore store, CancellationToken cancellationToken) =>
        {
            var job = await FindAsync(id, store, cancellationToken);
            if (job is null)
                return NotFound(id);
            return job.Status == JobStatus.Succeeded
                ? Results.Ok(job.Result)
                : Results.Problem(
                    title: "No result",
                    detail: job.Status.IsTerminal() ? $"job {id} ended {job.Status}: {job.Error}" : $"job {id} is {job.Status} ({job.Progress:P0}).",
                    statusCode: StatusCodes.Status409Conflict);
        });

        app.MapPost("/jobs/{id}/cancel", async (string id, IJobSubmitter submitter, CancellationToken cancellationToken) =>
            JobId.IsValid(id) && await submitter.CancelAsync(id, cancellationToken)
                ? Results.Accepted($"/jobs/{id}")
                : NotFound(id));
        return app;
    }

    private static async Task<JobRecord?> FindAsync(string id, IJobStore store, CancellationToken cancellationToken) =>
        JobId.IsValid(id) ? await store.GetAsync(id, cancellationToken) : null;

    private static IResult NotFound(string id) =>
        Results.Problem(title: "Not found", detail: $"no job '{id}'.", statusCode: StatusCodes.Status404NotFound);
}
