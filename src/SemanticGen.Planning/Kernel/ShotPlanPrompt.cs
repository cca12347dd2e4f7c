using Microsoft.SemanticKernel;

namespace SemanticGen.Planning;

/// <summary>
/// The Semantic Kernel prompt template that asks a chat model for a <see cref="ShotPlan"/> as JSON of
/// <see cref="ShotPlanJson.Schema"/>. Its variables are filled by <see cref="KernelShotPlanner"/>; <c>feedback</c> is
/// empty on the first attempt and carries the previous reply's error on a retry.
/// </summary>
public static class ShotPlanPrompt
{
    /// <summary>The name of the prompt function in the kernel.</summary>
    public const string FunctionName = "plan_shots";

    /// <summary>The template (Semantic Kernel syntax, chat messages as &lt;message&gt; tags).</summary>
    public const string Template =
        """
        <message role="system">You are the shot planner of a text-to-video generator. You split a story outline into
        shots that are played back to back; the video model renders each shot from its prompt alone.
        Rules:
        - One shot per event or motion of the outline, in story order; at most {{$max_shots}} shots.
        - Each prompt is self-contained: name the subject and the setting again in every shot, then what happens.
        - durationSeconds is greater than 0 and at most {{$max_shot_seconds}}; use {{$shot_seconds}} unless the outline says otherwise; at most {{$max_total_seconds}} seconds in all.
        - continuity.subject and continuity.background name what persists across shots (null if nothing does); continuity.notes says anything else that must carry over (null if nothing).
        Reply with one JSON object only, no prose and no code fences, matching this JSON schema:
        {{$schema}}</message>
        <message role="user">Story outline:
        {{$outline}}{{$feedback}}</message>
        """;

    /// <summary>The prompt function of <see cref="Template"/> with <paramref name="executionSettings"/>.</summary>
    public static KernelFunction CreateFunction(PromptExecutionSettings? executionSettings) =>
        KernelFunctionFactory.CreateFromPrompt(
            Template,
            executionSettings,
            functionName: FunctionName,
            description: "Plans the shots of a story outline as JSON.");
}
